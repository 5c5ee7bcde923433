/**
 * Every error the module raises on purpose. `code` is stable and safe to send to clients;
 * `message` is written for the client too, so it must never carry internals.
 */
export class AgUiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input rejected before a stream opened: mapped to an HTTP status with a JSON body. */
export class InvalidRunInputError extends AgUiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_INPUT', message, 400, details);
  }
}

export class UnsupportedMediaTypeError extends AgUiError {
  constructor(contentType: string | undefined) {
    super('UNSUPPORTED_MEDIA_TYPE', `Expected Content-Type application/json, got ${contentType ? `"${contentType}"` : 'none'}`, 415);
  }
}

export class PayloadTooLargeError extends AgUiError {
  constructor(limit: number) {
    super('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`, 413);
  }
}

export class AgentNotFoundError extends AgUiError {
  constructor(agentId: string, message = `No agent named "${agentId}"`) {
    super('AGENT_NOT_FOUND', message, 404);
  }
}

export type ModelErrorCode =
  | 'MODEL_AUTH_FAILED'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_UNAVAILABLE'
  | 'MODEL_TIMEOUT'
  | 'MODEL_BAD_RESPONSE'
  | 'MODEL_STREAM_INTERRUPTED'
  | 'MODEL_REQUEST_REJECTED';

/** A run with no authenticated user on a module that is not in anonymous mode. */
export class AuthenticationRequiredError extends AgUiError {
  constructor() {
    super('AUTHENTICATION_REQUIRED', 'Authentication is required', 401);
  }
}

/** A run on a thread another principal started. Who owns it is not said. */
export class ThreadForbiddenError extends AgUiError {
  constructor() {
    super('THREAD_FORBIDDEN', 'This thread belongs to another user', 403);
  }
}

/**
 * A provider failure, already classified. `retryable` marks failures worth another try
 * when nothing has been streamed yet (rate limits, 5xx, connection drops, timeouts).
 */
export class ModelError extends AgUiError {
  constructor(
    code: ModelErrorCode,
    message: string,
    readonly retryable: boolean,
    /** Seconds the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, 502);
  }
}
