import type { Logger } from '@nestjs/common';
import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest } from '../models/chat-model.interface.js';

export interface ModelCallPolicy {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Longest silence between two chunks (and before the first). */
  idleTimeoutMs: number;
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

/**
 * One model turn with the two guards every provider needs: transient failures are retried
 * with backoff while nothing has been streamed (after that, a retry would repeat tokens
 * the client already has), and a provider that goes silent is cut off.
 */
export async function* callModel(
  model: ChatModel,
  request: Omit<ChatModelRequest, 'signal'>,
  runSignal: AbortSignal,
  policy: ModelCallPolicy,
  logger: Logger,
): AsyncGenerator<ChatModelChunk> {
  for (let attempt = 0; ; attempt++) {
    const attemptAbort = new AbortController();
    const signal = AbortSignal.any([runSignal, attemptAbort.signal]);
    // Only the model's silence counts: while the consumer holds a chunk (a slow client,
    // backpressure), the clock is re-armed instead of firing.
    let awaitingModel = true;
    const idle = setTimeout(function onIdle() {
      if (awaitingModel) attemptAbort.abort(new IdleTimeout());
      else idle.refresh();
    }, policy.idleTimeoutMs);
    let streamed = false;
    try {
      for await (const chunk of model.stream({ ...request, signal })) {
        streamed = true;
        awaitingModel = false;
        yield chunk;
        awaitingModel = true;
        idle.refresh();
      }
      return;
    } catch (caught) {
      if (runSignal.aborted) throw runSignal.reason;
      const error =
        attemptAbort.signal.aborted
          ? new ModelError('MODEL_TIMEOUT', `The model sent nothing for ${policy.idleTimeoutMs} ms`, true)
          : caught;
      if (!(error instanceof ModelError) || !error.retryable || streamed || attempt >= policy.maxRetries) throw error;
      const delay = backoff(attempt, policy, error);
      logger.warn(`Model call failed (${error.code}); retry ${attempt + 1} of ${policy.maxRetries} in ${Math.round(delay)} ms`);
      await sleep(delay, runSignal);
    } finally {
      clearTimeout(idle);
    }
  }
}
