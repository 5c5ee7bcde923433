import { EventType } from '@ag-ui/core';
import type { FakeReply } from './support/fake-openai.server.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { startTestApp, TEST_API_KEY, type TestApp } from './support/test-app.js';

describe('model provider failures after the stream opened', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ options: { modelTimeoutMs: 300 } });
  });
  afterAll(() => t.close());
  afterEach(() => {
    expect(t.fake.pending).toBe(0);
    t.fake.reset();
  });

  const run = () => runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Hi')] });

  it.each<[string, FakeReply[], string, number]>([
    ['401 invalid key', [{ kind: 'error', status: 401, body: { error: { message: `Incorrect API key provided: ${TEST_API_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } }], 'MODEL_AUTH_FAILED', 1],
    ['400 bad request', [{ kind: 'error', status: 400 }], 'MODEL_REQUEST_REJECTED', 1],
    ['429 until retries run out', [{ kind: 'error', status: 429 }, { kind: 'error', status: 429 }, { kind: 'error', status: 429 }], 'MODEL_RATE_LIMITED', 3],
    ['429 insufficient quota (not retried)', [{ kind: 'error', status: 429, body: { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } } }], 'MODEL_RATE_LIMITED', 1],
    ['500 until retries run out', [{ kind: 'error', status: 500 }, { kind: 'error', status: 502 }, { kind: 'error', status: 503 }], 'MODEL_UNAVAILABLE', 3],
    ['silence past modelTimeoutMs', [{ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }], 'MODEL_TIMEOUT', 3],
    ['a malformed chunk', [{ kind: 'malformed', afterChunks: 2 }], 'MODEL_BAD_RESPONSE', 1],
    ['a stream cut after tokens were sent (never retried)', [{ kind: 'cut', reply: { kind: 'text', text: ['a', 'b', 'c', 'd'] }, afterChunks: 3 }], 'MODEL_STREAM_INTERRUPTED', 1],
  ])('%s → one RUN_ERROR with a stable code and a safe message', async (_name, replies, code, attempts) => {
    t.fake.enqueue(...replies);
    const result = await run();

    await expectValidRun(result.events, result.input);
    const [error] = ofType(result.events, EventType.RUN_ERROR);
    expect(error).toMatchObject({ code });
    expect(error!.message).not.toMatch(/sk-|Incorrect API key|at \/|\.ts:|\.js:|127\.0\.0\.1/);
    expect(JSON.stringify(result.events)).not.toContain(TEST_API_KEY);
    expect(t.fake.requests).toHaveLength(attempts);
  });

  it('retries transient failures before any token and then streams the answer', async () => {
    t.fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '0' } }, { kind: 'error', status: 503 }, { kind: 'text', text: ['Third ', 'time.'] });
    const result = await run();
    await expectValidRun(result.events, result.input);
    expect(streamedText(result.events)).toBe('Third time.');
    expect(ofType(result.events, EventType.RUN_ERROR)).toHaveLength(0);
    expect(t.fake.requests).toHaveLength(3);
  });

  it('retries a stream cut before its first chunk', async () => {
    t.fake.enqueue({ kind: 'cut', reply: { kind: 'text', text: 'never' }, afterChunks: 0 }, { kind: 'text', text: 'Recovered.' });
    const result = await run();
    await expectValidRun(result.events, result.input);
    expect(streamedText(result.events)).toBe('Recovered.');
  });

  it('closes an open text message in the client by RUN_ERROR when the stream breaks mid-answer', async () => {
    t.fake.enqueue({ kind: 'cut', reply: { kind: 'text', text: ['Partial ', 'answer ', 'never ', 'ends'] }, afterChunks: 3 });
    const result = await run();
    await expectValidRun(result.events, result.input);
    expect(streamedText(result.events)).toBe('Partial answer ');
    expect(result.events.at(-1)).toMatchObject({ type: EventType.RUN_ERROR, code: 'MODEL_STREAM_INTERRUPTED' });
  });

  it('keeps serving after every failure: the process and the app stay up', async () => {
    t.fake.enqueue({ kind: 'text', text: 'Still here.' });
    const result = await run();
    expect(streamedText(result.events)).toBe('Still here.');
  });
});
