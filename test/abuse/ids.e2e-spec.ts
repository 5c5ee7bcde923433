import { randomUUID } from 'node:crypto';
import { expectValidRun } from '../support/ag-ui.assertions.js';
import { parseSse, userMessage } from '../support/http-agent.client.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PLATFORMS, startTestApp, type TestApp } from '../support/test-app.js';

const post = (app: TestApp, body: unknown) =>
  fetch(app.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) });

const base = () => ({ threadId: `t-${randomUUID()}`, runId: randomUUID(), messages: [userMessage('hi')], tools: [], context: [], state: {}, forwardedProps: {} });

describe.each(PLATFORMS)('ids and names bounded (%s)', (platform) => {
  let app: TestApp;
  beforeAll(async () => {
    // Express's parser at the module's 4 MiB (as the README says to), so a multi-MiB id reaches the module.
    app = await startTestApp({ platform, configure: (nest) => platform === 'express' && (nest as NestExpressApplication).useBodyParser('json', { limit: '4mb' }) });
  });
  afterAll(() => app.close());
  beforeEach(() => app.fake.reset());

  async function expectRefused(body: unknown, field: string) {
    const before = app.fake.requests.length;
    const response = await post(app, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const json = await response.json();
    expect(json).toMatchObject({ statusCode: 400, error: 'INVALID_ID', field });
    expect(json.message).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
    // Refused before the model was called.
    expect(app.fake.requests.length).toBe(before);
    return json;
  }

  it('refuses a multi-MiB threadId at once, without quoting it back', async () => {
    const huge = 'a'.repeat(3 * 1024 * 1024);
    const json = await expectRefused({ ...base(), threadId: huge }, 'threadId');
    expect(json.message).toBe('threadId: 3145728 characters, above the limit of 128');
    expect(JSON.stringify(json).length).toBeLessThan(300);
  });

  it.each([
    ['threadId', (b: any) => ({ ...b, threadId: 'a\nb' })],
    ['runId', (b: any) => ({ ...b, runId: 'r1\u001b[31m' })],
    ['parentRunId', (b: any) => ({ ...b, parentRunId: 'p 1' })],
    ['messages.0.id', (b: any) => ({ ...b, messages: [{ id: 'm\r1', role: 'user', content: 'hi' }] })],
    [
      'messages.1.toolCalls.0.id',
      (b: any) => ({ ...b, messages: [userMessage('hi'), { id: 'a1', role: 'assistant', toolCalls: [{ id: 'x'.repeat(129), type: 'function', function: { name: 'f', arguments: '{}' } }] }] }),
    ],
    [
      'messages.1.toolCalls.0.function.name',
      (b: any) => ({ ...b, messages: [userMessage('hi'), { id: 'a1', role: 'assistant', toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'get.order', arguments: '{}' } }] }] }),
    ],
    ['messages.1.toolCallId', (b: any) => ({ ...b, messages: [userMessage('hi'), { id: 't1', role: 'tool', toolCallId: 'call 1', content: 'x' }] })],
    ['tools.0.name', (b: any) => ({ ...b, tools: [{ name: 'change background', description: 'd', parameters: { type: 'object', properties: {} } }] })],
    ['tools.0.name', (b: any) => ({ ...b, tools: [{ name: 'n'.repeat(65), description: 'd', parameters: { type: 'object', properties: {} } }] })],
    ['resume.0.interruptId', (b: any) => ({ ...b, resume: [{ interruptId: 'int_1\n', status: 'cancelled' }] })],
  ])('refuses a bad %s with a 400 INVALID_ID naming it', async (field, make) => {
    await expectRefused(make(base()), field);
  });

  it('accepts the ids AG-UI clients and models make: uuids, call_…, int_…-style, ck-…', async () => {
    app.fake.enqueue({ kind: 'text', text: 'ok' });
    const threadId = randomUUID();
    const runId = `ck-${randomUUID()}`;
    const body = {
      ...base(),
      threadId,
      runId,
      messages: [
        { id: randomUUID(), role: 'user', content: 'hi' },
        { id: 'msg_01:abc.def', role: 'assistant', toolCalls: [{ id: 'call_abc123', type: 'function', function: { name: 'change_background-color', arguments: '{}' } }] },
        { id: randomUUID(), role: 'tool', toolCallId: 'call_abc123', content: 'done' },
      ],
      tools: [{ name: 'change_background-color', description: 'd', parameters: { type: 'object', properties: {} } }],
    };
    const response = await post(app, body);
    expect(response.status).toBe(200);
    await expectValidRun(parseSse(await response.text()), { threadId, runId });
  });
});

describe('ids and names: options', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ options: { inputLimits: { maxIdLength: 8, idPattern: /^[a-z0-9 ]+$/g, toolNamePattern: /^[a-z.]+$/ } } });
  });
  afterAll(() => app.close());

  it('takes maxIdLength, idPattern (a g flag is harmless) and toolNamePattern from inputLimits', async () => {
    const refused = await post(app, { ...base(), threadId: 'abcdefghi' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'INVALID_ID', field: 'threadId', message: 'threadId: 9 characters, above the limit of 8' });

    for (let attempt = 0; attempt < 2; attempt++) {
      app.fake.enqueue({ kind: 'text', text: 'ok' });
      const response = await post(app, {
        ...base(),
        threadId: 'a thread',
        runId: `run ${attempt}`,
        messages: [{ id: 'm1', role: 'user', content: 'hi' }],
        tools: [{ name: 'ui.paint', description: 'd', parameters: { type: 'object', properties: {} } }],
      });
      expect(response.status).toBe(200);
      await expectValidRun(parseSse(await response.text()), { threadId: 'a thread', runId: `run ${attempt}` });
    }
  });
});
