import { randomUUID } from 'node:crypto';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { parseSse } from 'nestjs-ag-ui/testing';
import { expectValidRun, ofType } from '../support/ag-ui.assertions.js';
import { userMessage } from '../support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from '../support/test-app.js';
import { HeaderUserGuard } from '../fixtures/header-user.guard.js';

type AnyEvent = BaseEvent & Record<string, any>;


interface Sent {
  input: { threadId: string; runId: string };
  /** Resolves once the response's headers are in: for a run, the stream is open. */
  response: Promise<Response>;
  /** Everything the client received: events, or the JSON of a refusal. */
  result: Promise<{ status: number; headers: Headers; json?: any; events?: AnyEvent[] }>;
  /** Leaves, as a client that closes its tab. */
  leave(): void;
}

function send(url: string, user: string, body: Record<string, unknown> = {}): Sent {
  const input = { threadId: `thread-${randomUUID()}`, runId: `run-${randomUUID()}` };
  const abort = new AbortController();
  const response = fetch(url, {
    method: 'POST',
    signal: abort.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-user': user },
    body: JSON.stringify({ ...input, messages: [userMessage('go')], tools: [], context: [], state: {}, forwardedProps: {}, ...body }),
  });
  const result = response.then(async (res) => {
    const text = await res.text().catch(() => '');
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) return { status: res.status, headers: res.headers, json: JSON.parse(text) };
    return { status: res.status, headers: res.headers, events: parseSse(text) as AnyEvent[] };
  });
  // A client that leaves sees its own abort: nothing to report.
  result.catch(() => undefined);
  return { input, response, result, leave: () => abort.abort() };
}

const agents = [
  { id: 'assistant', model: 'test-model' },
  { id: 'timed', model: 'test-model', maxRunMs: 300 },
  { id: 'deadline', model: 'test-model', modelDeadlineMs: 250 },
  { id: 'capped', model: 'test-model', maxOutputTokens: 77, maxRunEvents: 20 },
  { id: 'bytes', model: 'test-model', maxRunOutputBytes: 2_000 },
];

describe.each(PLATFORMS)('abuse: every run bounded (%s)', (platform) => {
  let t: TestApp;
  const url = (agent: string) => `${t.url}/agents/${agent}`;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      // An idle timeout of 100 ms with five retries: without the deadline a hanging model would take 600 ms and more.
      options: { agents, anonymous: false, modelTimeoutMs: 100, retry: { maxRetries: 5, initialDelayMs: 5, maxDelayMs: 10 } },
      extras: { guards: [HeaderUserGuard] },
    });
  });
  afterAll(() => t.close());
  afterEach(() => t.fake.reset());

  it('maxRunMs: a run that takes too long is aborted (the model request closed) and ends with one RUN_ERROR RUN_TIMEOUT', async () => {
    // Hanging attempts (100 ms idle timeout each) for longer than the run may take.
    for (let i = 0; i < 6; i++) t.fake.enqueue({ kind: 'hang' });
    const run = send(url('timed'), 'alice');
    const { status, events } = await run.result;
    const model = t.fake.requests.at(-1)!;
    expect(status).toBe(200);
    await expectValidRun(events!, run.input);
    expect(ofType(events!, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'RUN_TIMEOUT' })]);
    await model.clientClosed;
    expect(model.closedByClient).toBe(true);
  });

  it('modelDeadlineMs: a model that keeps timing out is given up on, retries included, with MODEL_DEADLINE', async () => {
    for (let i = 0; i < 6; i++) t.fake.enqueue({ kind: 'hang' });
    const run = send(url('deadline'), 'alice');
    const { events } = await run.result;
    await expectValidRun(events!, run.input);
    expect(ofType(events!, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'MODEL_DEADLINE' })]);
    // 100 ms idle timeouts under a 250 ms deadline: at most three attempts, not six.
    expect(t.fake.requests.length).toBeGreaterThanOrEqual(2);
    expect(t.fake.requests.length).toBeLessThanOrEqual(3);
  });

  it('maxOutputTokens is sent on every model call (max_completion_tokens), the default 4096 where the agent sets none', async () => {
    t.fake.enqueue({ kind: 'text', text: 'short' });
    t.fake.enqueue({ kind: 'text', text: 'short' });
    for (const agent of ['capped', 'assistant']) {
      const run = send(url(agent), 'alice');
      await expectValidRun((await run.result).events!, run.input);
    }
    expect(t.fake.requests.map((r) => r.body.max_completion_tokens)).toEqual([77, 4096]);
    expect(t.fake.requests[0]!.body).not.toHaveProperty('max_tokens');
  });

  it('maxRunEvents: a model that keeps talking ends the run with one RUN_ERROR RUN_OUTPUT_LIMIT, its request closed', async () => {
    t.fake.enqueue({ kind: 'text', text: Array.from({ length: 500 }, (_, i) => `w${i} `), delayMs: 1 });
    const run = send(url('capped'), 'alice');
    const { events } = await run.result;
    await expectValidRun(events!, run.input);
    expect(events!.length).toBeLessThanOrEqual(21);
    expect(ofType(events!, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'RUN_OUTPUT_LIMIT' })]);
    expect(ofType(events!, EventType.RUN_FINISHED)).toEqual([]);
    await t.fake.requests[0]!.clientClosed;
  });

  it('maxRunOutputBytes: a run that writes too much ends with RUN_OUTPUT_LIMIT', async () => {
    t.fake.enqueue({ kind: 'text', text: Array.from({ length: 200 }, () => 'x'.repeat(100)), delayMs: 1 });
    const run = send(url('bytes'), 'alice');
    const { events } = await run.result;
    await expectValidRun(events!, run.input);
    expect(ofType(events!, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'RUN_OUTPUT_LIMIT' })]);
    expect(JSON.stringify(events).length).toBeLessThan(4_000);
  });

  it('four runs of one user stream, a fifth is a 429 TOO_MANY_RUNS with Retry-After, while another user still runs', async () => {
    for (let i = 0; i < 4; i++) t.fake.enqueue({ kind: 'hang' });
    const open = [0, 1, 2, 3].map(() => send(url('assistant'), 'alice'));
    for (const run of open) expect((await run.response).status).toBe(200);
    await t.fake.waitForRequest(3);

    const fifth = await send(url('assistant'), 'alice').result;
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('1');
    expect(fifth.json).toMatchObject({ statusCode: 429, error: 'TOO_MANY_RUNS' });
    expect(t.fake.requests).toHaveLength(4);

    t.fake.enqueue({ kind: 'text', text: 'hello bob' });
    const bob = send(url('assistant'), 'bob');
    const bobs = await bob.result;
    await expectValidRun(bobs.events!, bob.input);
    expect(ofType(bobs.events!, EventType.RUN_FINISHED)).toHaveLength(1);

    for (const run of open) run.leave();
    await Promise.all(t.fake.requests.slice(0, 4).map((r) => r.clientClosed));
  });

  it('no slot leaks: 20 runs ending every way (finish, model error, refusal after the slot was taken, disconnect, timeout), then four concurrent runs still stream', async () => {
    const taken = send(url('assistant'), 'bob');
    t.fake.enqueue({ kind: 'text', text: 'mine' });
    await taken.result;
    for (let round = 0; round < 4; round++) {
      // Finished.
      t.fake.enqueue({ kind: 'text', text: 'ok' });
      expect(ofType((await send(url('assistant'), 'carol').result).events!, EventType.RUN_FINISHED)).toHaveLength(1);
      // A model error (not retried): RUN_ERROR.
      t.fake.enqueue({ kind: 'error', status: 400 });
      expect(ofType((await send(url('assistant'), 'carol').result).events!, EventType.RUN_ERROR)).toHaveLength(1);
      // Refused after the slot was taken: bob's thread.
      expect((await send(url('assistant'), 'carol', { threadId: taken.input.threadId }).result).status).toBe(403);
      // The client leaves mid-run.
      t.fake.enqueue({ kind: 'hang' });
      const n = t.fake.requests.length;
      const leaving = send(url('assistant'), 'carol');
      await leaving.response;
      const model = await t.fake.waitForRequest(n);
      leaving.leave();
      await model.clientClosed;
    }
    // Timed out: four at once, the user's whole allowance, so the 300 ms are spent once.
    for (let i = 0; i < 4 * 6; i++) t.fake.enqueue({ kind: 'hang' });
    const timedOut = await Promise.all([0, 1, 2, 3].map(() => send(url('timed'), 'carol').result));
    for (const { events } of timedOut) expect(ofType(events!, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'RUN_TIMEOUT' })]);
    // The disconnects' slots come back when their runs have wound down: give the loop a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.fake.reset();
    for (let i = 0; i < 4; i++) t.fake.enqueue({ kind: 'hang' });
    const open = [0, 1, 2, 3].map(() => send(url('assistant'), 'carol'));
    for (const run of open) expect((await run.response).status).toBe(200);
    expect((await send(url('assistant'), 'carol').result).status).toBe(429);
    for (const run of open) run.leave();
    await t.fake.waitForRequest(3);
    await Promise.all(t.fake.requests.slice(0, 4).map((r) => r.clientClosed));
  });
});

describe.each(PLATFORMS)('abuse: open streams per instance (%s)', (platform) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ platform, options: { maxOpenStreams: 2 } });
  });
  afterAll(() => t.close());

  it('a third stream over maxOpenStreams 2 is a 503 SERVER_BUSY with Retry-After; once one ends, a run streams again', async () => {
    t.fake.enqueue({ kind: 'hang' });
    t.fake.enqueue({ kind: 'hang' });
    const open = [send(t.agentUrl, 'a'), send(t.agentUrl, 'b')];
    for (const run of open) expect((await run.response).status).toBe(200);
    await t.fake.waitForRequest(1);

    const third = await send(t.agentUrl, 'c').result;
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(third.json).toMatchObject({ statusCode: 503, error: 'SERVER_BUSY' });

    open[0]!.leave();
    await t.fake.requests[0]!.clientClosed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.fake.enqueue({ kind: 'text', text: 'back' });
    const again = send(t.agentUrl, 'c');
    const { events } = await again.result;
    await expectValidRun(events!, again.input);
    open[1]!.leave();
    await t.fake.requests[1]!.clientClosed;
  });
});
