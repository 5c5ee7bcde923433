import { randomUUID } from 'node:crypto';
import { EventType } from '@ag-ui/core';
import { expectValidRun, ofType } from '../support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from '../support/http-agent.client.js';
import { startTestApp, type RecordingLogger, type TestApp } from '../support/test-app.js';

/** What a client sends to forge a line: a newline, a carriage return and an ANSI colour. */
const FORGED = 'x\n[Nest] 1  - 01/01/2026, 00:00:00   ERROR [Auth] admin logged in\r\u001b[31mred';
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/;

/** Every string a log call received: the message, the stack and each structured field's value. */
function loggedStrings(logger: RecordingLogger, marker: string): string[] {
  const strings: string[] = [];
  for (const entry of logger.entries) {
    const parts = [entry.message, ...entry.extra.flatMap((extra) => (typeof extra === 'string' ? [extra] : extra && typeof extra === 'object' ? Object.values(extra) : []))];
    if (parts.some((part) => String(part).includes(marker))) strings.push(...parts.map(String));
  }
  return strings;
}

function expectSafe(lines: string[]) {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    // A stack keeps its frames on their own lines; everything before them is one escaped line.
    const [first] = line.split(/\n\s+at /);
    expect(first).not.toMatch(UNSAFE);
  }
}

describe('logs a client cannot forge', () => {
  let app: TestApp;
  beforeAll(async () => {
    // An app that widened the id rules (or a future field that has none): the log lines must still be safe.
    app = await startTestApp({
      options: {
        agents: [{ id: 'assistant', model: 'test-model', maxSteps: 1 }],
        inputLimits: { idPattern: /^[\s\S]+$/, toolNamePattern: /^[\s\S]+$/, maxIdLength: 100_000 },
        retry: { maxRetries: 0 },
      },
    });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    app.fake.reset();
    app.logger.entries.length = 0;
  });

  it('escapes a runId in the warning of a failed run, keeps it on one line, and passes it as a field too', async () => {
    app.fake.enqueue({ kind: 'error', status: 401 });
    const runId = `run-${FORGED}`;
    const run = await runWithHttpAgent({ url: app.agentUrl, runId, messages: [userMessage('hi')] });
    expect(ofType(run.events, EventType.RUN_ERROR)[0]).toMatchObject({ code: 'MODEL_AUTH_FAILED' });
    const warning = app.logger.entries.find((entry) => entry.level === 'warn' && entry.message.includes('MODEL_AUTH_FAILED'))!;
    expect(warning.message).toContain('run-x\\n[Nest] 1');
    expect(warning.message).toContain('\\r\\u001b[31mred');
    expect(warning.message).not.toMatch(UNSAFE);
    expect(warning.extra[0]).toMatchObject({ runId: expect.stringContaining('\\u001b[31m'), code: 'MODEL_AUTH_FAILED' });
    expectSafe(loggedStrings(app.logger, 'admin logged in'));
  });

  it('escapes a client tool name and the runId when a tool is declared twice, and the maxSteps warning too', async () => {
    app.fake.enqueue({ kind: 'tool-calls', calls: [{ name: 'unknown', args: '{}' }] });
    const name = `paint${FORGED}`;
    const tool = { name, description: 'd', parameters: { type: 'object', properties: {} } };
    const threadId = `thread-${FORGED}`;
    const run = await runWithHttpAgent({ url: app.agentUrl, threadId, runId: `r-${FORGED}`, messages: [userMessage('hi')], tools: [tool, tool] });
    await expectValidRun(run.events, run.input);
    const ignored = app.logger.entries.find((entry) => entry.message.startsWith('Client tool'))!;
    expect(ignored.message).toBe(`Client tool "paintx\\n[Nest] 1  - 01/01/2026, 00:00:00   ERROR [Auth] admin logged in\\r\\u001b[31mred" ignored: a server tool of that name exists or it is declared twice`);
    const maxSteps = app.logger.entries.find((entry) => entry.message.includes('reached maxSteps'))!;
    expect(maxSteps.extra[0]).toMatchObject({ threadId: expect.stringContaining('thread-x\\n') });
    expectSafe(loggedStrings(app.logger, 'admin logged in'));
  });

  it('cuts a huge id in a log line to a few hundred characters and says how long it was', async () => {
    app.fake.enqueue({ kind: 'error', status: 401 });
    const runId = `${'r'.repeat(50_000)}\n`;
    await runWithHttpAgent({ url: app.agentUrl, runId, messages: [userMessage('hi')] });
    const warning = app.logger.entries.find((entry) => entry.message.includes('MODEL_AUTH_FAILED'))!;
    expect(warning.message.length).toBeLessThan(300);
    expect(warning.message).toContain('…(50001 chars)');
    expect(JSON.stringify(warning.extra).length).toBeLessThan(600);
  });
});

describe('logs with the default id rules', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('refuses a forged runId before anything could log it', async () => {
    const response = await fetch(app.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: randomUUID(), runId: FORGED, messages: [userMessage('hi')], tools: [], context: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'INVALID_ID', field: 'runId' });
    expect(app.logger.entries.filter((entry) => JSON.stringify(entry).includes('admin logged in'))).toEqual([]);
  });

  it('quotes an agent id from the URL safe and short in its 404', async () => {
    const response = await fetch(`${app.url}/agents/${encodeURIComponent(`nope${FORGED}${'z'.repeat(500)}`)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 't', runId: 'r', messages: [] }),
    });
    expect(response.status).toBe(404);
    const { message } = await response.json();
    expect(message).not.toMatch(UNSAFE);
    expect(message.length).toBeLessThan(150);
  });
});
