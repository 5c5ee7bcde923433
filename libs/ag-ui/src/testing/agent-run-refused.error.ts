import { HttpException } from '@nestjs/common';
import { AgUiError } from '../errors/ag-ui.error.js';

/** The run was refused before any event was streamed: a guard, a bad input, a thread of someone else's. */
export class AgentRunRefusedError extends Error {
  constructor(
    /** The HTTP status the client got (or would get, for a direct run). */
    readonly status: number,
    /** The JSON answer (or its text when it is not JSON). */
    readonly body: unknown,
  ) {
    super(`The run was refused before it started: ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'AgentRunRefusedError';
  }

  /** The `error` code of the answer, e.g. `THREAD_FORBIDDEN`, when there is one. */
  get code(): string | undefined {
    const code = (this.body as { error?: unknown } | null)?.error;
    return typeof code === 'string' ? code : undefined;
  }

  /** What an error thrown before a direct run's stream would have answered over HTTP; other errors are returned as they are. */
  static from(error: unknown): unknown {
    if (error instanceof AgUiError) {
      return new AgentRunRefusedError(error.status, { statusCode: error.status, error: error.code, message: error.message, ...(error.details ?? {}) });
    }
    if (error instanceof HttpException) return new AgentRunRefusedError(error.getStatus(), error.getResponse());
    return error;
  }
}
