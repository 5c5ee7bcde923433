import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Injectable, UnauthorizedException, type CanActivate } from '@nestjs/common';
import { EventType } from '@ag-ui/core';
import { AgentTool, ToolParam } from 'nestjs-ag-ui';
import { ofType } from '../support/ag-ui.assertions.js';
import { runWithHttpAgent } from '../support/http-agent.client.js';
import { expectValidRun } from '../support/ag-ui.assertions.js';
import { parseSse, userMessage } from '../support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from '../support/test-app.js';

/** Refuses everyone, as a guard does a client without a token. */
@Injectable()
class NoTokenGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException();
  }
}

/** A tool whose argument the model could nest without bound. */
@Injectable()
class EchoTool {
  calls = 0;
  @AgentTool({ description: 'Echo a value' })
  echo(@ToolParam('value', { schema: { type: 'array' } }) value: unknown[]) {
    this.calls++;
    return value;
  }
}

const base = () => ({ threadId: `t-${randomUUID()}`, runId: randomUUID(), messages: [userMessage('hi')], tools: [], context: [], state: {}, forwardedProps: {} });

/** JSON text nested `depth` arrays deep: built as text, since JSON.stringify would overflow on it. */
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A body whose `"__DEEP__"` placeholder is replaced by raw JSON text. */
function bodyWith(shape: unknown, deep: string): string {
  return JSON.stringify(shape).replace('"__DEEP__"', deep);
}

const postText = (app: TestApp, text: string) =>
  fetch(app.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: text });

/**
 * Sends the headers (declaring `declaredLength` bytes) and a first chunk, then nothing more: the
 * body never ends. Resolves with the response the server sends regardless.
 */
function postUnfinished(url: string, declaredLength: number): Promise<{ response: IncomingMessage; body: string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(declaredLength) } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ response, body, close: () => req.destroy() }));
      response.on('error', reject);
    });
    req.on('error', () => undefined);
    req.write('{"threadId":"t1","runId":"r1","messages":[' + '['.repeat(64 * 1024));
  });
}

describe.each(PLATFORMS)('bodies: read after the guards (%s)', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ platform, options: { anonymous: false }, extras: { guards: [NoTokenGuard] } });
  });
  afterAll(() => app.close());

  it('refuses an unauthenticated 3.8 MiB body with 401 before the body has been sent', async () => {
    const { response, body, close } = await postUnfinished(app.agentUrl, Math.round(3.8 * 1024 * 1024));
    close();
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ statusCode: 401 });
    expect(app.fake.requests).toHaveLength(0);
  });

  it('logs no warning about body parsers with the recommended setting', () => {
    expect(app.logger.entries.filter((entry) => /body parser|parses the bodies/.test(entry.message))).toEqual([]);
  });
});

describe.each(PLATFORMS)('bodies: bounded while read (%s)', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ platform });
  });
  afterAll(() => app.close());
  beforeEach(() => app.fake.reset());

  it('refuses a declared Content-Length of 10 GiB with 413 at once', async () => {
    const { response, body, close } = await postUnfinished(app.agentUrl, 10 * 1024 ** 3);
    close();
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['a resume payload 5 000 deep', { resume: [{ interruptId: 'int_1', status: 'resolved', payload: '__DEEP__' }] }, 5_000],
    ['content-part metadata 100 000 deep', { messages: [{ id: 'm1', role: 'user', content: [{ type: 'text', text: 'hi', metadata: '__DEEP__' }] }] }, 100_000],
    ['forwardedProps 1 000 deep', { forwardedProps: { a: '__DEEP__' } }, 1_000],
    ['state 1 000 deep', { state: { a: '__DEEP__' } }, 1_000],
    ['context 200 deep', { context: [{ description: 'd', value: '__DEEP__' }] }, 200],
    ['a client tool schema 200 deep', { tools: [{ name: 'paint', description: 'd', parameters: '__DEEP__' }] }, 200],
  ])('refuses %s with 400 INPUT_TOO_DEEP before the model is called', async (_name, field, depth) => {
    const response = await postText(app, bodyWith({ ...base(), ...field }, deepArray(depth)));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'INPUT_TOO_DEEP', limit: 64 });
    expect(app.fake.requests).toHaveLength(0);
  });

  it('accepts a body at the depth limit, with state and forwardedProps nested to it', async () => {
    app.fake.enqueue({ kind: 'text', text: 'ok' });
    const input = base();
    // The body's object is depth 1 and state another: 62 arrays inside reach 64.
    const response = await postText(app, bodyWith({ ...input, state: { a: '__DEEP__' } }, deepArray(62)));
    expect(response.status).toBe(200);
    await expectValidRun(parseSse(await response.text()), input);
    expect(app.fake.requests).toHaveLength(1);
  });

  it('refuses a non-JSON content type with 415, after the guards', async () => {
    const response = await fetch(app.agentUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(base()) });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe.each(PLATFORMS)('bodies: parse limits from inputLimits (%s)', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ platform, options: { inputLimits: { maxDepth: 8, maxStringChars: 1_000, maxJsonItems: 50 } } });
  });
  afterAll(() => app.close());

  it('takes maxDepth, maxStringChars and maxJsonItems', async () => {
    const deep = await postText(app, bodyWith({ ...base(), state: { a: '__DEEP__' } }, deepArray(7)));
    expect(await deep.json()).toMatchObject({ statusCode: 400, error: 'INPUT_TOO_DEEP', limit: 8 });
    const long = await postText(app, JSON.stringify({ ...base(), state: { a: 'x'.repeat(1_001) } }));
    expect(long.status).toBe(413);
    expect(await long.json()).toMatchObject({ error: 'INPUT_TOO_COMPLEX', limit: 1_000 });
    const many = await postText(app, JSON.stringify({ ...base(), state: { a: Array.from({ length: 60 }, () => 1) } }));
    expect(many.status).toBe(413);
    expect(await many.json()).toMatchObject({ error: 'INPUT_TOO_COMPLEX', limit: 50 });
    expect(app.fake.requests).toHaveLength(0);
  });
});

describe('bodies: an app whose parser still reads the module\'s bodies (express)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ bodyGate: false });
  });
  afterAll(() => app.close());

  it('warns once at bootstrap saying what to set, and still bounds the parsed body', async () => {
    const warnings = app.logger.entries.filter((entry) => entry.level === 'warn' && /bodyParser: false/.test(entry.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/agUiBodyGate\(\)/);
    const response = await postText(app, bodyWith({ ...base(), forwardedProps: { a: '__DEEP__' } }, deepArray(100)));
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'INPUT_TOO_DEEP' });
    expect(app.fake.requests).toHaveLength(0);
  });
});

describe('bodies: tool arguments from the model go through the same bounds', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ providers: [EchoTool] });
  });
  afterAll(() => app.close());

  it('gives the model the standard tool error for arguments nested past maxDepth, and never calls the tool', async () => {
    app.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'deep', name: 'echo', args: `{"value":${deepArray(10_000)}}` }] }, { kind: 'text', text: 'done' });
    const result = await runWithHttpAgent({ url: app.agentUrl, messages: [userMessage('go')] });
    await expectValidRun(result.events, result.input);
    const [toolResult] = ofType(result.events, EventType.TOOL_CALL_RESULT);
    expect(toolResult.content).toMatch(/^Error: The arguments were refused: JSON nested deeper than the limit of 64/);
    expect(app.app.get(EchoTool).calls).toBe(0);
  });
});
