import { TestTools } from './fixtures/test.tools.js';
import { userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';

/** Opens a run with fetch and returns once the first bytes of the given text arrived. */
async function openRun(url: string, until: string) {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ threadId: 't', runId: 'r', messages: [userMessage('go')] }),
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let seen = '';
  while (!seen.includes(until)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before "${until}": ${seen}`);
    seen += decoder.decode(value, { stream: true });
  }
  return { abort: () => abort.abort(), seen };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe.each(PLATFORMS)('client disconnect on %s aborts everything through one signal', (platform) => {
  let t: TestApp;
  let tools: TestTools;

  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [TestTools] });
    tools = t.app.get(TestTools);
  });
  afterAll(() => t.close());

  it('closes the model request as soon as the client goes away mid-answer', async () => {
    t.fake.enqueue({ kind: 'text', text: Array.from({ length: 50 }, (_, i) => `w${i} `), delayMs: 50 });
    const run = await openRun(t.agentUrl, 'TEXT_MESSAGE_CONTENT');
    const closedAt = Date.now();
    run.abort();
    await within(t.fake.requests[0]!.clientClosed, 1_000);
    expect(Date.now() - closedAt).toBeLessThan(1_000);
    expect(t.fake.requests[0]!.closedByClient).toBe(true);
    t.fake.reset();
  });

  it('starts no tool when the client leaves while the call is still streaming', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ name: 'getWeather', args: ['{"ci', 'ty":', '"Oslo"}'] }], delayMs: 150 });
    const run = await openRun(t.agentUrl, 'TOOL_CALL_START');
    run.abort();
    await within(t.fake.requests[0]!.clientClosed, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tools.calls).toHaveLength(0);
    expect(t.fake.requests).toHaveLength(1);
    t.fake.reset();
  });

  it('aborts a running tool through its context signal and asks the model nothing more', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'slow', name: 'slowLookup', args: '{}' }] }, { kind: 'text', text: 'never requested' });
    const run = await openRun(t.agentUrl, 'TOOL_CALL_END');
    await within(tools.slowStarted, 1_000);
    run.abort();
    const signal = tools.calls.find((call) => call.name === 'slowLookup')!.signal;
    await within(new Promise((resolve) => (signal.aborted ? resolve(true) : signal.addEventListener('abort', resolve))), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.fake.requests).toHaveLength(1);
    expect(t.fake.pending).toBe(1);
    t.fake.reset();
  });

  it('logs no error for any of it', () => {
    expect(t.logger.errors()).toEqual([]);
  });
});
