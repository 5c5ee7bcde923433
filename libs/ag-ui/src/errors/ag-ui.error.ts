import { logValue } from '../logging/log-value.js';

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

/**
 * An id or a tool name that is too long or has characters outside its pattern. The value is
 * not quoted back: it may be megabytes long, or written to forge log lines.
 */
export class InvalidIdError extends AgUiError {
  constructor(field: string, problem: string) {
    super('INVALID_ID', `${field}: ${problem}`, 400, { field });
  }
}

export class UnsupportedMediaTypeError extends AgUiError {
  constructor(contentType: string | undefined) {
    super('UNSUPPORTED_MEDIA_TYPE', `Expected Content-Type application/json, got ${contentType ? `"${logValue(contentType, 100)}"` : 'none'}`, 415);
  }
}

export class PayloadTooLargeError extends AgUiError {
  constructor(limit: number) {
    super('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`, 413);
  }
}

/** Client JSON nested deeper than `inputLimits.maxDepth`: refused on the raw text, before it is parsed. */
export class InputTooDeepError extends AgUiError {
  constructor(limit: number) {
    super('INPUT_TOO_DEEP', `JSON nested deeper than the limit of ${limit}`, 400, { limit });
  }
}

/** Client JSON with a string or an item count over `inputLimits.maxStringChars` / `maxJsonItems`, refused before it is parsed. */
export class InputTooComplexError extends AgUiError {
  constructor(problem: string, limit: number) {
    super('INPUT_TOO_COMPLEX', `JSON with ${problem}`, 413, { limit });
  }
}

export class AgentNotFoundError extends AgUiError {
  // The id comes from the URL, percent-decoded: quoted safe and short, as apps may log the message.
  constructor(agentId: string, message = `No agent named "${logValue(agentId, 64)}"`) {
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

/**
 * A run on a thread that waits for interrupts the run does not answer. Nothing is executed;
 * `interrupts` lists what is pending, so a client that lost track can answer or cancel it.
 */
export class InterruptPendingError extends AgUiError {
  constructor(interrupts: ReadonlyArray<{ id: string; toolCallId: string; expiresAt: string }>) {
    super(
      'INTERRUPT_PENDING',
      `This thread is waiting for ${interrupts.length === 1 ? 'an interrupt' : `${interrupts.length} interrupts`} to be answered: resume with ${interrupts.map((i) => i.id).join(', ')}`,
      409,
      { interrupts },
    );
  }
}

/** A resume naming an interrupt this thread does not wait for: already answered (a replay), or never issued. */
export class InterruptNotPendingError extends AgUiError {
  constructor(ids: readonly string[]) {
    super('INTERRUPT_NOT_PENDING', `No pending interrupt ${ids.join(', ')} on this thread: it was already answered, or never issued`, 409, { interruptIds: [...ids] });
  }
}

/** An approval that came after the interrupt expired. It can still be cancelled, which frees the thread. */
export class InterruptExpiredError extends AgUiError {
  constructor(ids: readonly string[]) {
    super('INTERRUPT_EXPIRED', `Interrupt ${ids.join(', ')} expired and can no longer be approved: resume it with status "cancelled"`, 409, {
      interruptIds: [...ids],
    });
  }
}

/** An approval carrying edited arguments for a tool that does not allow edits (`approval.allowEdits`). The interrupt stays pending. */
export class EditsNotAllowedError extends AgUiError {
  constructor(interruptId: string, toolName: string) {
    super('EDITS_NOT_ALLOWED', `${toolName} may not run with edited arguments: approve interrupt ${interruptId} without "args", or reject it`, 403, {
      interruptId,
    });
  }
}

/** An edit the tool's `allowEdits` check refused, with its reason. The interrupt stays pending. */
export class EditRefusedError extends AgUiError {
  constructor(interruptId: string, toolName: string, reason: string) {
    super('EDIT_REFUSED', `The edit of ${toolName} was refused: ${reason}`, 422, { interruptId, reason });
  }
}

/** The approval auditor failed or timed out: the decision was not recorded, so it did not take effect. */
export class AuditUnavailableError extends AgUiError {
  constructor(interruptIds: readonly string[]) {
    super('AUDIT_UNAVAILABLE', `The decision could not be recorded, so it was not applied: answer interrupt ${interruptIds.join(', ')} again later`, 503, {
      interruptIds: [...interruptIds],
    });
  }
}

/**
 * A client that read nothing for `writeTimeoutMs` while the socket's buffer was full. Its stream
 * is cut off like a disconnect, so nobody receives this: it is the run's abort reason (what
 * `ctx.signal.reason` gives a tool) and the code in the log.
 */
export class WriteTimeoutError extends AgUiError {
  constructor(timeoutMs: number) {
    super('WRITE_TIMEOUT', `The client read nothing for ${timeoutMs} ms while its stream waited to write`, 408);
  }
}

/**
 * A bound of the run itself was reached (duration, model deadline, output). The run is aborted
 * with it as the reason, and, unlike a disconnect, its client is still there: the stream ends
 * with one RUN_ERROR carrying this code.
 */
export class RunLimitError extends AgUiError {}

/** The run took longer than its `maxRunMs`. */
export class RunTimeoutError extends RunLimitError {
  constructor(limitMs: number) {
    super('RUN_TIMEOUT', `The run took longer than its limit of ${limitMs} ms`, 504);
  }
}

/** One model turn got no answer within `modelDeadlineMs`, over all its attempts and backoff. */
export class ModelDeadlineError extends RunLimitError {
  constructor(limitMs: number) {
    super('MODEL_DEADLINE', `The model did not answer within ${limitMs} ms, retries included`, 504);
  }
}

/** The run wrote more than `maxRunEvents` events or `maxRunOutputBytes` bytes. */
export class RunOutputLimitError extends RunLimitError {
  constructor(what: string) {
    super('RUN_OUTPUT_LIMIT', `The run exceeded its output limit (${what})`, 507);
  }
}

/** A principal already has `maxConcurrentRuns` runs open. Refused before any stream, with Retry-After. */
export class TooManyRunsError extends AgUiError {
  constructor(
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super('TOO_MANY_RUNS', `You have ${limit} runs open already: wait for one to end`, 429, { limit });
  }
}

/** This instance has `maxOpenStreams` streams open. Refused before any stream, with Retry-After. */
export class ServerBusyError extends AgUiError {
  constructor(readonly retryAfterSeconds: number) {
    super('SERVER_BUSY', 'The server has too many open streams: try again shortly', 503);
  }
}
