import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import { linkedAbort, type LinkedAbort } from '../agent/linked-abort.js';
import type { RunContext } from '../agent/run-context.js';
import { AgUiError } from '../errors/ag-ui.error.js';
import { logFields, logStack, logValue } from '../logging/log-value.js';
import { AgUiMetrics } from '../metrics/ag-ui.metrics.js';
import { jsonBoundsOf } from '../protocol/input-limits.js';
import { scanJsonBounds, type JsonBounds } from '../protocol/json-bounds.scanner.js';
import { removeOmittedNulls } from './schema/strict-json-schema.js';
import type { RegisteredTool } from './tool.registry.js';

const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
const DEFAULT_TOOL_ABORT_GRACE_MS = 5_000;

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
  private readonly abortGraceMs: number;
  /** The model's arguments are client-steerable JSON: the body's shape bounds apply to them too. */
  private readonly argumentBounds: JsonBounds;

  constructor(
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
    private readonly metrics: AgUiMetrics,
  ) {
    this.defaultTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    this.abortGraceMs = Math.max(0, options.toolAbortGraceMs ?? DEFAULT_TOOL_ABORT_GRACE_MS);
    this.argumentBounds = jsonBoundsOf(options.inputLimits);
  }

  /** Parses and checks the model's argument text; what fails becomes the tool result the model reads. */
  async check(tool: RegisteredTool, argumentsText: string): Promise<{ ok: true; value: unknown } | { ok: false; outcome: ToolOutcome }> {
    let parsed: unknown;
    try {
      scanJsonBounds(argumentsText, this.argumentBounds);
    } catch (error) {
      return { ok: false, outcome: { content: '', error: `The arguments were refused: ${(error as Error).message}. Call ${tool.name} again with simpler arguments.` } };
    }
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
    let invoked: Promise<unknown> | undefined;
    try {
      if (runSignal.aborted) throw runSignal.reason;
      invoked = tool.invoke(args, context.withSignal(signal), toolCallId);
      const result = await Promise.race([invoked, stopped]);
      return { content: serialize(result) };
    } catch (error) {
      // Stopped, not finished: nothing waits for the tool any more, so it is watched instead.
      if (runSignal.aborted) {
        if (invoked) this.watchStopped(invoked, tool, toolCallId, context, `its run stopped (${stopReason(runSignal.reason)})`);
        throw runSignal.reason;
      }
      if (timedOut) {
        if (invoked) this.watchStopped(invoked, tool, toolCallId, context, `its time limit of ${timeoutMs} ms passed`);
        return { content: '', error: timedOut.message };
      }
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

  /**
   * A tool that was stopped (its run aborted, or its time limit passed) has `toolAbortGraceMs`
   * to settle. One that does not is reported once and counted in AgUiMetrics; it runs on, since
   * JavaScript cannot kill it, and whatever it returns is dropped. Only stopped calls get a timer.
   */
  private watchStopped(invoked: Promise<unknown>, tool: RegisteredTool, toolCallId: string, context: RunContext, why: string): void {
    const stoppedAt = Date.now();
    let abandoned = false;
    const fields = () => logFields({ tool: tool.name, source: tool.source, toolCallId, runId: context.runId, threadId: context.threadId });
    const grace = setTimeout(() => {
      abandoned = true;
      this.metrics.toolCallAbandoned();
      this.logger.warn(
        `Tool "${tool.name}" (${tool.source}, call ${logValue(toolCallId)}) of run ${logValue(context.runId)} did not stop within ${this.abortGraceMs} ms after ${why}: ` +
          'it ignores its ctx.signal. It runs on in the background, and its result will be discarded',
        fields(),
      );
    }, this.abortGraceMs);
    // A stuck tool must not keep the process alive on its own.
    grace.unref();
    const settled = () => {
      clearTimeout(grace);
      if (!abandoned) return;
      this.metrics.abandonedToolCallSettled();
      this.logger.log(`Abandoned tool "${tool.name}" of run ${logValue(context.runId)} settled ${Date.now() - stoppedAt} ms after it was stopped; its result was discarded`, fields());
    };
    invoked.then(settled, settled);
  }
}

/** Why a run stopped, for the log: the module's own reasons carry a code; others are shown safely. */
function stopReason(reason: unknown): string {
  if (reason instanceof AgUiError) return reason.code;
  return logValue(reason instanceof Error ? reason.message : reason, 100);
}
