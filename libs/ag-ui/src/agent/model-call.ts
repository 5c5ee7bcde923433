import type { Logger } from '@nestjs/common';
import { ModelDeadlineError, ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest } from '../models/chat-model.interface.js';
import { linkedAbort, type LinkedAbort } from './linked-abort.js';

export interface ModelCallPolicy {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Longest silence between two chunks (and before the first). */
  idleTimeoutMs: number;
  /** Longest wait for the turn's first chunk over all attempts and backoff; none when unset. */
  deadlineMs?: number;
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function backoff(attempt: number, policy: ModelCallPolicy, error: ModelError): number {
  if (error.retryAfterSeconds !== undefined) return Math.min(error.retryAfterSeconds * 1000, policy.maxDelayMs);
  const exponential = policy.initialDelayMs * 2 ** attempt;
  return Math.min(exponential / 2 + Math.random() * (exponential / 2), policy.maxDelayMs);
}

class IdleTimeout extends Error {}

const EMPTY: AsyncIterator<ChatModelChunk> = { next: async () => ({ done: true, value: undefined }) };

/** Receives each chunk as it arrives; a returned promise holds the model's stream until it settles. */
export type ChunkHandler = (chunk: ChatModelChunk) => Promise<void> | undefined;

/** One attempt at the model: its stream, the abort that cuts it off, and the silence clock. */
interface Attempt {
  iterator: AsyncIterator<ChatModelChunk>;
  abort: LinkedAbort;
  idle: NodeJS.Timeout;
  /**
   * When the wait for the model's next chunk began (Date.now()), or -1 while the consumer holds
   * a chunk: only the model's silence counts, not a slow client's backpressure.
   */
  waitingSince: number;
}

/**
 * One model turn with the two guards every provider needs: transient failures are retried
 * with backoff while nothing has been streamed (after that, a retry would repeat tokens
 * the client already has), and a provider that goes silent is cut off. Each chunk is handed
 * to `onChunk`; the promise settles when the turn is over.
 *
 * Chunks are pushed rather than pulled: every chunk of every run passes through here, and an
 * iterator between the model and the runner would add a promise and a suspension per chunk.
 */
export function callModel(
  model: ChatModel,
  request: Omit<ChatModelRequest, 'signal'>,
  runSignal: AbortSignal,
  policy: ModelCallPolicy,
  logger: Logger,
  onChunk: ChunkHandler,
): Promise<void> {
  return new ModelCall(model, request, runSignal, policy, logger).run(onChunk);
}

class ModelCall {
  private attempts = 0;
  private streamed = false;
  private current: Attempt | undefined;
  /** The turn's own abort, under the run's: its deadline stops the attempt and the backoff alike. */
  private turn!: LinkedAbort;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: ChatModel,
    private readonly request: Omit<ChatModelRequest, 'signal'>,
    private readonly runSignal: AbortSignal,
    private readonly policy: ModelCallPolicy,
    private readonly logger: Logger,
  ) {}

  async run(onChunk: ChunkHandler): Promise<void> {
    // One timer per turn, not per chunk: cleared at the first chunk, since no retry follows it.
    this.turn = linkedAbort(this.runSignal);
    const deadlineMs = this.policy.deadlineMs;
    if (deadlineMs) this.deadline = setTimeout(() => this.turn.controller.abort(new ModelDeadlineError(deadlineMs)), deadlineMs);
    try {
      for (;;) {
        let result: IteratorResult<ChatModelChunk>;
        try {
          const attempt = this.current ?? this.start();
          // A timestamp per chunk, not a timer re-armed per chunk: the timer checks it when it fires.
          attempt.waitingSince = Date.now();
          result = await attempt.iterator.next();
          attempt.waitingSince = -1;
        } catch (caught) {
          const timedOut = this.current?.abort.signal.aborted ?? false;
          this.settle();
          await this.retryAfter(caught, timedOut);
          continue;
        }
        if (result.done) {
          this.settle();
          return;
        }
        if (!this.streamed) {
          this.streamed = true;
          clearTimeout(this.deadline);
        }
        // What the consumer throws is its own failure: it ends the call, never retried.
        const wait = onChunk(result.value);
        if (wait) await wait;
      }
    } finally {
      clearTimeout(this.deadline);
      await this.close();
      this.turn.release();
    }
  }

  /** The call ended before the model's stream did: closing it aborts the provider request. */
  private async close(): Promise<void> {
    const open = this.current;
    if (!open) return;
    this.settle();
    try {
      await open.iterator.return?.();
    } catch {
      // The stream was being abandoned; how it fails to close changes nothing.
    }
  }

  private start(): Attempt {
    const abort = linkedAbort(this.turn.signal);
    const limit = this.policy.idleTimeoutMs;
    const check = () => {
      const silentFor = attempt.waitingSince < 0 ? 0 : Date.now() - attempt.waitingSince;
      if (silentFor >= limit) abort.controller.abort(new IdleTimeout());
      else attempt.idle = setTimeout(check, limit - silentFor);
    };
    // Current before the model is asked, so a model that throws at once is settled like any failed attempt.
    const attempt: Attempt = (this.current = { abort, idle: setTimeout(check, limit), waitingSince: Date.now(), iterator: EMPTY });
    attempt.iterator = this.model.stream({ ...this.request, signal: abort.signal })[Symbol.asyncIterator]();
    return attempt;
  }

  private settle(): void {
    if (!this.current) return;
    clearTimeout(this.current.idle);
    this.current.abort.release();
    this.current = undefined;
  }

  /** Returns when the failed attempt may be retried; throws what ends the call. */
  private async retryAfter(caught: unknown, timedOut: boolean): Promise<void> {
    const { runSignal, policy } = this;
    if (runSignal.aborted) throw runSignal.reason;
    if (this.turn.signal.aborted) throw this.turn.signal.reason;
    const error = timedOut ? new ModelError('MODEL_TIMEOUT', `The model sent nothing for ${policy.idleTimeoutMs} ms`, true) : caught;
    if (!(error instanceof ModelError) || !error.retryable || this.streamed || this.attempts >= policy.maxRetries) throw error;
    const delay = backoff(this.attempts, policy, error);
    this.attempts++;
    this.logger.warn(`Model call failed (${error.code}); retry ${this.attempts} of ${policy.maxRetries} in ${Math.round(delay)} ms`);
    await sleep(delay, this.turn.signal);
  }
}
