import type { ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AG_UI_TOOL_CONTEXT } from '../ag-ui.constants.js';
import type { AgentRunContext } from '../agent/agent-run-context.js';

/** One tool call as guards, interceptors and pipes see it. */
export interface ToolInvocation {
  readonly tool: string;
  /**
   * `'offer'` when guards decide whether the model may see the tool at all (no call yet: no
   * arguments, no call id); `'call'` when the model called it.
   */
  readonly phase: 'offer' | 'call';
  readonly toolCallId: string;
  /** The arguments after validation: a DTO instance, a Standard Schema's output or the checked object. Undefined when offering. */
  readonly args: unknown;
  readonly context: AgentRunContext;
}

/**
 * The handler arguments of a tool call. The request sits where HTTP puts it, so
 * `switchToHttp().getRequest()` (and an app's `@CurrentUser()`) work unchanged; the response
 * is absent on purpose, since only the event stream may write to it.
 */
export type ToolHandlerArgs = [request: IncomingMessage, response: undefined, invocation: ToolInvocation];

/** The tool call behind an `ExecutionContext`, or undefined outside tool calls: `if (getToolInvocation(ctx)) …`. */
export function getToolInvocation(context: ExecutionContext): ToolInvocation | undefined {
  if (context.getType<string>() !== AG_UI_TOOL_CONTEXT) return undefined;
  return context.getArgByIndex<ToolInvocation>(2);
}
