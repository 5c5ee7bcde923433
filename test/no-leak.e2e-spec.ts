import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AgentTool, ToolParam } from 'nestjs-ag-ui';
import { parseSse, userMessage } from './support/http-agent.client.js';
import { expectValidRun } from './support/ag-ui.assertions.js';
import { PLATFORMS, startTestApp, TEST_API_KEY, type TestApp } from './support/test-app.js';

const DB_URL = 'postgres://admin:hunter2@10.0.0.7:5432/shop';

/** What must never reach a client: secrets, stack frames, file paths, internal addresses. */
const LEAKS = [TEST_API_KEY, TEST_API_KEY.slice(-8), 'hunter2', '10.0.0.7', '    at ', '.ts:', '.js:', 'node_modules', '/work/', 'ECONNREFUSED'];

function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

@Injectable()
class LeakyTools {
  @AgentTool({ description: 'Fails with an internal error full of secrets' })
  queryDb(@ToolParam('sql') sql: string) {
    throw new Error(`connect ECONNREFUSED 10.0.0.7:5432 (${DB_URL}) while running ${sql}\n    at Pool.connect (/work/main/node_modules/pg/lib/pool.js:45:11)`);
  }

  @AgentTool({ description: 'Never finishes', timeoutMs: 50 })
  async stuck() {
    await new Promise(() => undefined);
  }
}

/** A guard that crashes with internals in its message, as a misconfigured JWT guard might. */
@Injectable()
class CrashingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest().headers['x-crash']) throw new Error(`JWKS fetch failed for ${DB_URL} at /work/main/src/auth.ts:12`);
    return true;
  }
}

describe.each(PLATFORMS)('nothing internal reaches the client, whatever fails (%s)', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [LeakyTools], extras: { guards: [CrashingGuard] }, options: { modelTimeoutMs: 200 } });
  });
  afterAll(() => t.close());
  afterEach(() => t.fake.reset());

  const send = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const input = { threadId: 'leak-thread', runId: 'leak-run', messages: [userMessage('go')] };

  /** Each source of failure, and how the run must end: an HTTP error before the stream, or a stream. */
  const cases: Array<[string, () => void, () => Promise<Response>, 'http' | 'stream']> = [
    ['a guard that throws', () => undefined, () => send(input, { 'x-crash': '1' }), 'http'],
    ['input validation', () => undefined, () => send({ ...input, messages: [{ id: 'm', role: TEST_API_KEY, content: DB_URL }] }), 'http'],
    ['malformed JSON quoting a secret', () => undefined, () => send(`{"threadId":"${TEST_API_KEY}",`), 'http'],
    [
      'the provider refusing the key (its message quotes it)',
      () => t.fake.enqueue({ kind: 'error', status: 401, body: { error: { message: `Incorrect API key provided: ${TEST_API_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } }),
      () => send(input),
      'stream',
    ],
    [
      'a provider 500 with internals',
      () => Array.from({ length: 3 }, () => t.fake.enqueue({ kind: 'error', status: 500, body: { error: { message: `upstream ${DB_URL} failed`, type: 'server_error' } } })),
      () => send(input),
      'stream',
    ],
    ['a model that goes silent', () => Array.from({ length: 3 }, () => t.fake.enqueue({ kind: 'hang' })), () => send(input), 'stream'],
    ['a broken model stream', () => Array.from({ length: 3 }, () => t.fake.enqueue({ kind: 'malformed' })), () => send(input), 'stream'],
    [
      'a tool that throws',
      () => t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'q', name: 'queryDb', args: '{"sql":"select 1"}' }] }, { kind: 'text', text: 'ok' }),
      () => send(input),
      'stream',
    ],
    [
      'a tool that times out',
      () => t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 's', name: 'stuck', args: '{}' }] }, { kind: 'text', text: 'ok' }),
      () => send(input),
      'stream',
    ],
  ];

  it.each(cases)('%s', async (_name, script, request, expected) => {
    script();
    const response = await request();
    const text = await response.text();
    expectNoLeak(text);
    expect(JSON.stringify(t.fake.requests.map((r) => r.body))).not.toContain('hunter2');
    if (expected === 'http') {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    } else {
      expect(response.status).toBe(200);
      await expectValidRun(parseSse(text), input);
    }
  });

  it('keeps the details in the server log, where they belong', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'q', name: 'queryDb', args: '{"sql":"select 2"}' }] }, { kind: 'text', text: 'ok' });
    await (await send(input)).text();
    const logged = JSON.stringify(t.logger.entries);
    expect(logged).toContain('ECONNREFUSED 10.0.0.7');
  });
});
