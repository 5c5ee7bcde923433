import { request } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PLATFORMS, startTestApp, type Platform, type TestApp } from './support/test-app.js';

const valid = { threadId: 't', runId: 'r', messages: [{ id: 'm', role: 'user', content: 'hi' }] };
const json = (body: unknown) => JSON.stringify(body);
const without = (key: keyof typeof valid) => {
  const { [key]: _omitted, ...rest } = valid;
  return json(rest);
};

interface Case {
  name: string;
  body: string;
  contentType?: string | null;
  path?: string;
  status: number;
  /** What the JSON body's message must say: the field at fault or the problem. */
  message: RegExp;
}

const FIVE_MB = 5 * 1024 * 1024;

const CASES: Case[] = [
  { name: 'wrong content type', body: json(valid), contentType: 'text/plain', status: 415, message: /application\/json.*"text\/plain"/ },
  { name: 'no content type', body: json(valid), contentType: null, status: 415, message: /Content-Type application\/json/ },
  { name: 'form-encoded body', body: 'threadId=t&runId=r', contentType: 'application/x-www-form-urlencoded', status: 415, message: /application\/x-www-form-urlencoded/ },
  { name: 'non-JSON', body: '{"threadId": "t", ', status: 400, message: /JSON/ },
  { name: 'a JSON array', body: '[]', status: 400, message: /JSON object/ },
  { name: 'missing threadId', body: without('threadId'), status: 400, message: /threadId/ },
  { name: 'missing runId', body: without('runId'), status: 400, message: /runId/ },
  { name: 'missing messages', body: without('messages'), status: 400, message: /messages/ },
  { name: 'threadId of the wrong type', body: json({ ...valid, threadId: 42 }), status: 400, message: /threadId/ },
  { name: 'messages not an array', body: json({ ...valid, messages: 'hi' }), status: 400, message: /messages/ },
  { name: 'unknown message role', body: json({ ...valid, messages: [{ id: 'm', role: 'wizard', content: 'x' }] }), status: 400, message: /messages\.0/ },
  { name: 'message without id', body: json({ ...valid, messages: [{ role: 'user', content: 'x' }] }), status: 400, message: /messages\.0/ },
  { name: 'user message without content', body: json({ ...valid, messages: [{ id: 'm', role: 'user' }] }), status: 400, message: /messages\.0/ },
  { name: 'tool message without toolCallId', body: json({ ...valid, messages: [{ id: 'm', role: 'tool', content: 'x' }] }), status: 400, message: /messages\.0/ },
  { name: 'forwardedProps: null', body: json({ ...valid, forwardedProps: null }), status: 400, message: /forwardedProps/ },
  { name: 'client tool without name', body: json({ ...valid, tools: [{ description: 'x' }] }), status: 400, message: /tools\.0\.name/ },
  { name: 'context entry without value', body: json({ ...valid, context: [{ description: 'x' }] }), status: 400, message: /context\.0\.value/ },
  { name: 'resume with an unknown status', body: json({ ...valid, resume: [{ interruptId: 'i', status: 'maybe' }] }), status: 400, message: /resume\.0\.status/ },
  { name: 'a 5 MB body', body: json({ ...valid, state: { blob: 'x'.repeat(FIVE_MB) } }), status: 413, message: /exceeds the limit of 4194304 bytes/ },
  { name: 'unknown agent', body: json(valid), path: '/agents/nobody', status: 404, message: /No agent named "nobody"/ },
];

const PARSERS = [
  ['behind Nest’s own JSON parser', true],
  // The module reads its own bodies either way (on Fastify it keeps Fastify's parser off them).
  ['with app bodyParser: false', false],
] as const;

describe.each(PLATFORMS.flatMap((platform) => PARSERS.map(([label, bodyParser]) => [platform, label, bodyParser] as [Platform, string, boolean])))(
  'bad input on %s %s: a 4xx JSON answer before any stream opens',
  (platform, _label, bodyParser) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        platform,
        bodyParser,
        // The app's parser must not be the tighter limit, so the module's own limit is what is tested.
        fastify: { bodyLimit: 10 * 1024 * 1024 },
        configure: (app) => platform === 'express' && bodyParser && (app as NestExpressApplication).useBodyParser('json', { limit: '10mb' }),
      });
    });
    afterAll(() => t.close());

    it.each(CASES)('$name → $status', async ({ body, contentType, path, status, message }) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (contentType !== null) headers['content-type'] = contentType ?? 'application/json';
      const response = await fetch(`${t.url}${path ?? '/agents/assistant'}`, { method: 'POST', headers, body });

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = (await response.json()) as { statusCode: number; message: string };
      expect(answer.statusCode).toBe(status);
      expect(answer.message).toMatch(message);
      expect(JSON.stringify(answer)).not.toMatch(/at .*\.(ts|js):\d+|node_modules/);
      // Refused before the model was asked anything.
      expect(t.fake.requests).toHaveLength(0);
    });

    it('still runs a valid request after all of that', async () => {
      t.fake.enqueue({ kind: 'text', text: 'fine' });
      const response = await fetch(`${t.url}/agents/assistant`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(valid) });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('"delta":"fine"');
      t.fake.reset();
    });
  },
);

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: { statusCode?: number; message?: string };
}

/** A POST with node:http, for what fetch cannot send: a declared length the body never reaches, or a chunked body. */
function postRaw(url: string, headers: Record<string, string>, body: string, end: boolean): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body: JSON.parse(text) });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(body);
    if (end) req.end();
  });
}

describe.each(PLATFORMS)('the module’s bodyLimit on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    // The module reads the body on both platforms, counting bytes against its own bodyLimit.
    t = await startTestApp({ platform, bodyParser: false, options: { bodyLimit: 2000 } });
  });
  afterAll(() => t.close());
  afterEach(() => expect(t.fake.requests).toHaveLength(0));

  it('refuses a declared Content-Length over it at once, before the body is sent', async () => {
    const answer = await postRaw(t.agentUrl, { 'content-length': '5000' }, '{"threadId":', false);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body.statusCode).toBe(413);
  });

  it('refuses a chunked body that grows over it with a 413 JSON', async () => {
    const answer = await postRaw(t.agentUrl, { 'transfer-encoding': 'chunked' }, json({ ...valid, state: { blob: 'x'.repeat(3000) } }), true);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({ statusCode: 413, message: expect.stringMatching(/exceeds the limit of 2000 bytes/), error: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('Fastify’s own bodyLimit does not reach the module’s routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ platform: 'fastify', fastify: { bodyLimit: 1000 }, options: { bodyLimit: 3000 } });
  });
  afterAll(() => t.close());

  it('leaves the module’s bodies to the module, whose bodyLimit is the one that counts', async () => {
    t.fake.enqueue({ kind: 'text', text: 'fine' });
    const under = await fetch(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json({ ...valid, state: { blob: 'x'.repeat(2000) } }) });
    expect(under.status).toBe(200);
    expect(await under.text()).toContain('"delta":"fine"');
    const over = await fetch(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json({ ...valid, state: { blob: 'x'.repeat(4000) } }) });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE' });
    expect(t.fake.requests).toHaveLength(1);
    expect(t.logger.errors()).toEqual([]);
  });
});
