import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { ToolCall } from '@ag-ui/core';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import { AgUiError } from '../errors/ag-ui.error.js';
import type { RegisteredTool } from './tool.registry.js';

const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** What the model reads back: the tool's answer, or what went wrong so it can try again. */
export interface ToolOutcome {
  content: string;
  error?: string;
}

class ToolTimeout extends Error {}

function serialize(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

/**
 * The message a tool failure may show the model. Errors written for callers (Nest's
 * HttpException family, AgUiError) pass through; anything else may carry internals, so the
 * model gets a generic line and the log gets the stack.
 */
function safeMessage(error: unknown): string | undefined {
  if (error instanceof HttpException || error instanceof AgUiError) return error.message;
  return undefined;
}

/** Runs one tool call: arguments parsed, a time limit applied, every outcome turned into a tool result. */
@Injectable()
export class ToolInvoker {
  private readonly logger = new Logger('AgUiTools');
  private readonly defaultTimeoutMs: number;

  constructor(@Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions) {
    this.defaultTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  }

  async invoke(tool: RegisteredTool, call: ToolCall, context: AgentRunContext): Promise<ToolOutcome> {
    let args: unknown;
    try {
      args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
    } catch {
      return { content: '', error: `The arguments are not valid JSON: ${call.function.arguments.slice(0, 200)}` };
    }

    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new ToolTimeout()), timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout.signal]);
    const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    try {
      const result = await Promise.race([tool.invoke(args, { ...context, signal }), timedOut]);
      return { content: serialize(result) };
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      if (timeout.signal.aborted) return { content: '', error: `The tool did not finish within ${timeoutMs} ms` };
      const message = safeMessage(error);
      if (message === undefined) this.logger.error(`Tool ${tool.source} failed`, error instanceof Error ? error.stack : String(error));
      return { content: '', error: message ?? 'The tool failed with an internal error' };
    } finally {
      clearTimeout(timer);
    }
  }
}
