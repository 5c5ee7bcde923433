import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import { linkedAbort, type LinkedAbort } from '../agent/linked-abort.js';
import type { RunContext } from '../agent/run-context.js';
import { AgUiError } from '../errors/ag-ui.error.js';
import { logStack } from '../logging/log-value.js';
import { removeOmittedNulls } from './schema/strict-json-schema.js';
import type { RegisteredTool } from './tool.registry.js';

const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** What the model reads back: the tool's answer, or what went wrong so it can try again. */
export interface ToolOutcome {
  content: string;
  error?: string;
}

/** The reason a tool's signal gives when its time is up, named like the reason of `AbortSignal.timeout()`. */
class ToolTimeout extends Error {
  override name = 'TimeoutError';
}

function serialize(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

/**
 * The message a tool failure may show the model. Errors written for callers (Nest's
 * HttpException family, AgUiError) pass through, with a ValidationPipe's list of problems;
 * anything else may carry internals, so the model gets a generic line and the log the stack.
 */
function safeMessage(error: unknown): string | undefined {
  if (error instanceof AgUiError) return error.message;
  if (!(error instanceof HttpException)) return undefined;
  const response = error.getResponse();
  const detail = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
  if (Array.isArray(detail)) return detail.join('; ');
  return typeof detail === 'string' ? detail : error.message;
}

/** Runs one tool call: arguments parsed and checked, a time limit applied, every outcome turned into a tool result. */
@Injectable()
export class ToolInvoker {
  private readonly logger = new Logger('AgUiTools');
  private readonly defaultTimeoutMs: number;

  constructor(@Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions) {
    this.defaultTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  /** Parses and checks the model's argument text; what fails becomes the tool result the model reads. */
  async check(tool: RegisteredTool, argumentsText: string): Promise<{ ok: true; value: unknown } | { ok: false; outcome: ToolOutcome }> {
    let parsed: unknown;
    try {
      parsed = argumentsText.trim() ? JSON.parse(argumentsText) : {};
    } catch {
      return { ok: false, outcome: { content: '', error: `The arguments are not valid JSON: ${argumentsText.slice(0, 200)}` } };
    }
    // A strict schema makes the model send null for an optional argument it leaves out.
    const checked = await tool.schema.check(removeOmittedNulls(parsed, tool.parameters));
    if (!checked.ok) {
      return { ok: false, outcome: { content: '', error: `Invalid arguments for ${tool.name}: ${checked.problems.join('; ')}. Correct them and call ${tool.name} again.` } };
    }
    return checked;
  }

  /** Runs a call whose arguments passed `check`, within the tool's time limit. */
  async execute(tool: RegisteredTool, args: unknown, toolCallId: string, context: RunContext): Promise<ToolOutcome> {
    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    const runSignal = context.signal;
    let timedOut: ToolTimeout | undefined;
    let stop!: (reason: unknown) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    // The tool's own signal (the run's, or its time is up) is made only when the tool reads it:
    // most tools never do, and an AbortSignal costs more than the rest of the call.
    let own: LinkedAbort | undefined;
    const signal = () => {
      own = linkedAbort(runSignal);
      if (timedOut) own.controller.abort(timedOut);
      return own.signal;
    };
    const timer = setTimeout(() => {
      timedOut = new ToolTimeout(`The tool did not finish within ${timeoutMs} ms`);
      own?.controller.abort(timedOut);
      stop(timedOut);
    }, timeoutMs);
    const onRunAbort = () => stop(runSignal.reason);
    runSignal.addEventListener('abort', onRunAbort, { once: true });
    try {
      if (runSignal.aborted) throw runSignal.reason;
      const result = await Promise.race([tool.invoke(args, context.withSignal(signal), toolCallId), stopped]);
      return { content: serialize(result) };
    } catch (error) {
      if (runSignal.aborted) throw runSignal.reason;
      if (timedOut) return { content: '', error: timedOut.message };
      const message = safeMessage(error);
      // A tool's error may quote its arguments, which the client can steer: its message is made safe.
      if (message === undefined) this.logger.error(`Tool ${tool.source} failed`, logStack(error));
      return { content: '', error: message ?? 'The tool failed with an internal error' };
    } finally {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRunAbort);
      own?.release();
    }
  }
}
