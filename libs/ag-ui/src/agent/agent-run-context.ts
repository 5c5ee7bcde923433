import type { Logger } from '@nestjs/common';
import type { RunAgentInput } from '@ag-ui/core';
import type { IncomingMessage } from 'node:http';

/**
 * Everything one run knows, created once per request and handed to tools. Identity is
 * `user`, set by the app's guards; the body's `state`, `context` and `forwardedProps`
 * are client data, never authority.
 */
export interface AgentRunContext<TUser = unknown, TState = unknown> {
  readonly agentId: string;
  readonly threadId: string;
  readonly runId: string;
  /** `request.user` as the app's guards left it; undefined on an unguarded endpoint. */
  readonly user: TUser | undefined;
  /** The user's stable id (see `principalOf`), owner of the thread; undefined in anonymous mode. */
  readonly principal: string | undefined;
  readonly request: IncomingMessage;
  readonly input: RunAgentInput;
  readonly state: TState | undefined;
  /** Aborted when the client disconnects; pass it to anything slow. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}
