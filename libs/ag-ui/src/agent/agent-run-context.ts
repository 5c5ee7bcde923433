import type { Logger } from '@nestjs/common';
import type { RunAgentInput } from '@ag-ui/core';
import type { IncomingMessage } from 'node:http';

/** How a call that waited for a human was approved: inside that call, `ctx.approval`. */
export interface ToolCallApproval {
  /** The interrupt the approval answered. */
  readonly interruptId: string;
  /** The principal who approved it (the thread's owner); undefined in anonymous mode. */
  readonly approvedBy: string | undefined;
  readonly approvedAt: Date;
  /** Whether the approver changed the arguments: the tool then runs with theirs, not the model's. */
  readonly edited: boolean;
  /** The model's arguments, as checked against the tool's schema (the same form as the tool's own arguments). */
  readonly originalArgs: unknown;
}

/**
 * Everything one run knows, handed to tools. Identity is `user`, set by the app's guards;
 * the body's `state`, `context` and `forwardedProps` are client data, never authority.
 */
export interface AgentRunContext<TUser = unknown, TState = any> {
  readonly agentId: string;
  readonly threadId: string;
  readonly runId: string;
  /** `request.user` as the app's guards left it; undefined on an unguarded endpoint. */
  readonly user: TUser | undefined;
  /** The user's stable id (see `principalOf`), owner of the thread; undefined in anonymous mode. */
  readonly principal: string | undefined;
  readonly request: IncomingMessage;
  readonly input: RunAgentInput;
  /**
   * The shared state as it is now: the client's `state` (`{}` when it sent none) with this
   * run's changes. Change it with `setState`; a change made in place is sent when the tool returns.
   */
  readonly state: TState;
  /** Changes the shared state; the client receives the difference at once (STATE_DELTA). */
  setState(update: TState | ((current: TState) => TState)): void;
  /**
   * Reports the running tool's progress to the UI (ACTIVITY_SNAPSHOT, then ACTIVITY_DELTAs),
   * delivered while the tool runs. Only inside a tool call.
   */
  progress(content: Record<string, unknown>, options?: { activityType?: string }): void;
  /** The call being executed, inside a tool. */
  readonly toolCallId?: string;
  /** Inside a call that waited for approval: who approved it, when, and whether they edited its arguments. */
  readonly approval?: ToolCallApproval;
  /** Aborted when the client disconnects (and, inside a tool, when it times out); pass it to anything slow. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}
