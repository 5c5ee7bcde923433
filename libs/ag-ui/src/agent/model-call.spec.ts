import { Logger } from '@nestjs/common';
import { ModelDeadlineError, ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest } from '../models/chat-model.interface.js';
import { callModel, sleep, type ModelCallPolicy } from './model-call.js';

/** What one attempt of the scripted model does, in order: yield these chunks, then throw / hang / end. */
interface Step {
  chunks?: ChatModelChunk[];
  /** Pause before each chunk. */
  gapMs?: number;
  error?: unknown;
  /** Wait until the request's signal aborts, then fail with its reason, as a fetch-backed stream would. */
  hang?: boolean;
}

class ScriptedModel implements ChatModel {
  readonly provider = 'scripted';
  readonly requests: ChatModelRequest[] = [];
  readonly startedAt: number[] = [];
  finallyRan = 0;

  constructor(private readonly steps: Step[]) {}

  get attempts(): number {
    return this.requests.length;
  }

  async *stream(request: ChatModelRequest): AsyncGenerator<ChatModelChunk> {
    this.requests.push(request);
    this.startedAt.push(performance.now());
    const step = this.steps[Math.min(this.requests.length - 1, this.steps.length - 1)]!;
    try {
      for (const chunk of step.chunks ?? []) {
        if (step.gapMs) await new Promise((resolve) => setTimeout(resolve, step.gapMs));
        request.signal.throwIfAborted();
        yield chunk;
      }
      if (step.hang) {
        await new Promise<never>((_, reject) => {
          if (request.signal.aborted) reject(request.signal.reason);
          request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
        });
      }
      if (step.error !== undefined) throw step.error;
    } finally {
      this.finallyRan++;
    }
  }
}

class CapturingLogger extends Logger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

const policy: ModelCallPolicy = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5, idleTimeoutMs: 1000 };
const baseRequest = { model: 'm', instructions: 'be nice', messages: [], tools: [] };
const text = (delta: string): ChatModelChunk => ({ type: 'text', delta });
const retryable = (code: 'MODEL_UNAVAILABLE' | 'MODEL_RATE_LIMITED' = 'MODEL_UNAVAILABLE', retryAfterSeconds?: number) =>
  new ModelError(code, `failed: ${code}`, true, retryAfterSeconds);

async function run(
  model: ChatModel,
  options: { policy?: ModelCallPolicy; signal?: AbortSignal; logger?: Logger } = {},
): Promise<{ chunks: ChatModelChunk[]; error?: unknown; elapsedMs: number }> {
  const chunks: ChatModelChunk[] = [];
  const started = performance.now();
  try {
    await callModel(model, baseRequest, options.signal ?? new AbortController().signal, options.policy ?? policy, options.logger ?? new CapturingLogger('test'), (chunk) => {
      chunks.push(chunk);
      return undefined;
    });
    return { chunks, elapsedMs: performance.now() - started };
  } catch (error) {
    return { chunks, error, elapsedMs: performance.now() - started };
  }
}

describe('callModel', () => {
  it('streams the chunks of a healthy model once and passes the request through with its own signal', async () => {
    const model = new ScriptedModel([{ chunks: [text('a'), text('b'), { type: 'finish', reason: 'stop' }] }]);
    const runSignal = new AbortController().signal;
    const { chunks, error } = await run(model, { signal: runSignal });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([text('a'), text('b'), { type: 'finish', reason: 'stop' }]);
    expect(model.attempts).toBe(1);
    expect(model.requests[0]).toMatchObject(baseRequest);
    expect(model.requests[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(model.requests[0]!.signal.aborted).toBe(false);
  });

  it('closes the model stream, releases the run signal and is not retried when the consumer fails', async () => {
    const model = new ScriptedModel([{ chunks: [text('a'), text('b'), { type: 'finish', reason: 'stop' }] }]);
    const runAbort = new AbortController();
    const seen: ChatModelChunk[] = [];
    // Even an error that looks retryable: it is the consumer's, not the model's.
    const consumerFailure = retryable();
    const call = callModel(model, baseRequest, runAbort.signal, policy, new CapturingLogger('test'), (chunk) => {
      seen.push(chunk);
      throw consumerFailure;
    });
    await expect(call).rejects.toBe(consumerFailure);
    expect(seen).toEqual([text('a')]);
    expect(model.attempts).toBe(1);
    expect(model.finallyRan).toBe(1);
    // The attempt no longer follows the run: aborting the run later reaches nothing of it.
    runAbort.abort(new Error('late'));
    expect(model.requests[0]!.signal.aborted).toBe(false);
  });

  it('reads no further while the promise the consumer returned is pending', async () => {
    let pulled = 0;
    const model: ChatModel = {
      provider: 'counting',
      async *stream() {
        for (const delta of ['a', 'b']) {
          pulled++;
          yield text(delta);
        }
      },
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: ChatModelChunk[] = [];
    const call = callModel(model, baseRequest, new AbortController().signal, policy, new CapturingLogger('test'), (chunk) => {
      seen.push(chunk);
      return seen.length === 1 ? held : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pulled).toBe(1);
    expect(seen).toEqual([text('a')]);
    release();
    await call;
    expect(pulled).toBe(2);
    expect(seen).toEqual([text('a'), text('b')]);
  });

  it('treats a model that throws before returning a stream like any failed attempt', async () => {
    let calls = 0;
    const model: ChatModel = {
      provider: 'throwing',
      stream(request) {
        calls++;
        if (calls === 1) throw retryable();
        return new ScriptedModel([{ chunks: [text('ok')] }]).stream(request);
      },
    };
    const { chunks, error } = await run(model);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([text('ok')]);
    expect(calls).toBe(2);
  });

  it('retries a retryable ModelError thrown before the first chunk, and logs each retry', async () => {
    const model = new ScriptedModel([{ error: retryable() }, { error: retryable('MODEL_RATE_LIMITED') }, { chunks: [text('ok')] }]);
    const logger = new CapturingLogger('test');
    const { chunks, error } = await run(model, { logger });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([text('ok')]);
    expect(model.attempts).toBe(3);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(/MODEL_UNAVAILABLE.*retry 1 of 2/);
    expect(logger.warnings[1]).toMatch(/MODEL_RATE_LIMITED.*retry 2 of 2/);
    // Every attempt gets a fresh signal.
    expect(new Set(model.requests.map((r) => r.signal)).size).toBe(3);
  });

  it('does not retry once a chunk was yielded', async () => {
    const failure = retryable();
    const model = new ScriptedModel([{ chunks: [text('partial')], error: failure }, { chunks: [text('again')] }]);
    const { chunks, error } = await run(model);
    expect(error).toBe(failure);
    expect(chunks).toEqual([text('partial')]);
    expect(model.attempts).toBe(1);
  });

  it('does not retry a non-retryable ModelError', async () => {
    const failure = new ModelError('MODEL_AUTH_FAILED', 'no', false);
    const model = new ScriptedModel([{ error: failure }, { chunks: [text('never')] }]);
    const { error, chunks } = await run(model);
    expect(error).toBe(failure);
    expect(chunks).toEqual([]);
    expect(model.attempts).toBe(1);
  });

  it('does not retry an error that is not a ModelError', async () => {
    const failure = new TypeError('bug');
    const model = new ScriptedModel([{ error: failure }, { chunks: [text('never')] }]);
    const { error } = await run(model);
    expect(error).toBe(failure);
    expect(model.attempts).toBe(1);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const errors = [retryable(), retryable(), retryable()];
    const model = new ScriptedModel(errors.map((error) => ({ error })));
    const { error } = await run(model);
    expect(error).toBe(errors[2]);
    expect(model.attempts).toBe(3);
  });

  it('makes a single attempt when maxRetries is 0', async () => {
    const model = new ScriptedModel([{ error: retryable() }, { chunks: [text('never')] }]);
    const { error } = await run(model, { policy: { ...policy, maxRetries: 0 } });
    expect(error).toBeInstanceOf(ModelError);
    expect(model.attempts).toBe(1);
  });

  it('cuts off a silent model with MODEL_TIMEOUT after idleTimeoutMs', async () => {
    const model = new ScriptedModel([{ hang: true }]);
    const { error, elapsedMs } = await run(model, { policy: { ...policy, maxRetries: 0, idleTimeoutMs: 50 } });
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('MODEL_TIMEOUT');
    expect((error as ModelError).retryable).toBe(true);
    expect((error as ModelError).message).toContain('50 ms');
    expect(elapsedMs).toBeGreaterThanOrEqual(45);
    expect(elapsedMs).toBeLessThan(500);
    // The model was told to stop.
    expect(model.requests[0]!.signal.aborted).toBe(true);
    expect(model.finallyRan).toBe(1);
  });

  it('retries an idle timeout before the first chunk', async () => {
    const model = new ScriptedModel([{ hang: true }, { chunks: [text('awake')] }]);
    const { chunks, error } = await run(model, { policy: { ...policy, idleTimeoutMs: 50 } });
    expect(error).toBeUndefined();
    expect(chunks).toEqual([text('awake')]);
    expect(model.attempts).toBe(2);
  });

  it('times out a model that goes silent after a chunk, without retrying', async () => {
    const model = new ScriptedModel([{ chunks: [text('a')], hang: true }, { chunks: [text('never')] }]);
    const { chunks, error } = await run(model, { policy: { ...policy, idleTimeoutMs: 50 } });
    expect(chunks).toEqual([text('a')]);
    expect((error as ModelError).code).toBe('MODEL_TIMEOUT');
    expect(model.attempts).toBe(1);
  });

  it('restarts the idle timer on every chunk: slow but steady models are not cut off', async () => {
    const model = new ScriptedModel([{ chunks: [text('1'), text('2'), text('3'), text('4'), text('5')], gapMs: 25 }]);
    const { chunks, error, elapsedMs } = await run(model, { policy: { ...policy, maxRetries: 0, idleTimeoutMs: 60 } });
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(5);
    // Longer in total than the idle limit, which is the point.
    expect(elapsedMs).toBeGreaterThan(60);
  });

  it('gives up on a model that keeps timing out once deadlineMs has passed over all attempts, with MODEL_DEADLINE', async () => {
    const model = new ScriptedModel([{ hang: true }]);
    const { error, elapsedMs } = await run(model, { policy: { ...policy, maxRetries: 10, idleTimeoutMs: 40, deadlineMs: 100 } });
    expect(error).toBeInstanceOf(ModelDeadlineError);
    expect((error as ModelDeadlineError).code).toBe('MODEL_DEADLINE');
    // Two or three 40 ms attempts fit in 100 ms; ten retries would not have.
    expect(model.attempts).toBeGreaterThanOrEqual(2);
    expect(model.attempts).toBeLessThanOrEqual(3);
    expect(elapsedMs).toBeLessThan(400);
    expect(model.requests.at(-1)!.signal.aborted).toBe(true);
  });

  it('stops the backoff between attempts at the deadline too', async () => {
    const model = new ScriptedModel([{ error: retryable('MODEL_RATE_LIMITED', 60) }]);
    const { error, elapsedMs } = await run(model, { policy: { ...policy, maxDelayMs: 60_000, deadlineMs: 50 } });
    expect((error as ModelError).code).toBe('MODEL_DEADLINE');
    expect(model.attempts).toBe(1);
    expect(elapsedMs).toBeLessThan(400);
  });

  it('does not apply the deadline once the model streams: a long answer is the idle timeout’s and the run’s to bound', async () => {
    const model = new ScriptedModel([{ chunks: [text('1'), text('2'), text('3'), text('4')], gapMs: 25 }]);
    const { chunks, error, elapsedMs } = await run(model, { policy: { ...policy, deadlineMs: 40 } });
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(4);
    expect(elapsedMs).toBeGreaterThan(40);
  });

  it('rethrows the run signal reason when the run is aborted, without retrying', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const model = new ScriptedModel([{ hang: true }, { chunks: [text('never')] }]);
    setTimeout(() => controller.abort(reason), 20);
    const { error, elapsedMs } = await run(model, { signal: controller.signal, policy: { ...policy, idleTimeoutMs: 5000 } });
    expect(error).toBe(reason);
    expect(model.attempts).toBe(1);
    expect(model.requests[0]!.signal.aborted).toBe(true);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('rethrows the run signal reason even when the model turned the abort into a retryable ModelError', async () => {
    const controller = new AbortController();
    const reason = new Error('run timeout');
    const model: ChatModel = {
      provider: 'wrapping',
      async *stream(request) {
        await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        throw retryable();
      },
    };
    setTimeout(() => controller.abort(reason), 10);
    const { error } = await run(model, { signal: controller.signal });
    expect(error).toBe(reason);
  });

  it('stops waiting between retries when the run is aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const model = new ScriptedModel([{ error: retryable('MODEL_RATE_LIMITED', 60) }, { chunks: [text('never')] }]);
    setTimeout(() => controller.abort(reason), 30);
    const { error, elapsedMs } = await run(model, { signal: controller.signal, policy: { ...policy, maxDelayMs: 60_000 } });
    expect(error).toBe(reason);
    expect(model.attempts).toBe(1);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('honours Retry-After when it is below maxDelayMs', async () => {
    const model = new ScriptedModel([{ error: retryable('MODEL_RATE_LIMITED', 0.06) }, { chunks: [text('ok')] }]);
    const { error } = await run(model, { policy: { ...policy, maxDelayMs: 2000 } });
    expect(error).toBeUndefined();
    const waited = model.startedAt[1]! - model.startedAt[0]!;
    expect(waited).toBeGreaterThanOrEqual(55);
    expect(waited).toBeLessThan(1000);
  });

  it('caps Retry-After at maxDelayMs', async () => {
    const model = new ScriptedModel([{ error: retryable('MODEL_RATE_LIMITED', 30) }, { chunks: [text('ok')] }]);
    const logger = new CapturingLogger('test');
    const { error } = await run(model, { policy: { ...policy, maxDelayMs: 40 }, logger });
    expect(error).toBeUndefined();
    const waited = model.startedAt[1]! - model.startedAt[0]!;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(1000);
    expect(logger.warnings[0]).toContain('in 40 ms');
  });

  it('backs off exponentially, never beyond maxDelayMs', async () => {
    const model = new ScriptedModel([{ error: retryable() }, { error: retryable() }, { error: retryable() }, { chunks: [text('ok')] }]);
    const logger = new CapturingLogger('test');
    await run(model, { policy: { maxRetries: 3, initialDelayMs: 20, maxDelayMs: 30, idleTimeoutMs: 1000 }, logger });
    const delays = logger.warnings.map((w) => Number(/in (\d+) ms/.exec(w)![1]));
    expect(delays).toHaveLength(3);
    // attempt 0: 20 * 2^0 = 20 → between 10 and 20; later attempts are capped at 30.
    expect(delays[0]).toBeGreaterThanOrEqual(10);
    expect(delays[0]).toBeLessThanOrEqual(20);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(30);
  });
});

describe('callModel and a slow consumer', () => {
  it('does not count time the consumer holds a chunk (backpressure) as model silence', async () => {
    const model = new ScriptedModel([{ chunks: [text('a'), text('b'), text('c')] }]);
    const received: ChatModelChunk[] = [];
    await callModel(model, baseRequest, new AbortController().signal, { ...policy, idleTimeoutMs: 50 }, new Logger('test'), (chunk) => {
      received.push(chunk);
      return new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect(received).toEqual([text('a'), text('b'), text('c')]);
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(20, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const reason = new Error('already');
    await expect(sleep(10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with the abort reason when aborted while waiting', async () => {
    const controller = new AbortController();
    const reason = new Error('later');
    setTimeout(() => controller.abort(reason), 10);
    const started = performance.now();
    await expect(sleep(10_000, controller.signal)).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
