import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { EventType } from '@ag-ui/core';
import { Injectable } from '@nestjs/common';
import { AgentTool, AgUiMetrics, type AgentRunContext } from 'nestjs-ag-ui';
import { expectValidRun, ofType, streamedText } from '../support/ag-ui.assertions.js';
import { parseSse, runWithHttpAgent, userMessage } from '../support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from '../support/test-app.js';

const WRITE_TIMEOUT_MS = 500;
const PIECE = 64 * 1024;

/** A model answer far larger than every socket buffer between the app and a client that reads nothing. */
const flood = (pieces: number, size = PIECE) => Array.from({ length: pieces }, (_, i) => `${i}:`.padEnd(size, 'x'));

/** A tool that reports far more progress than the socket holds (progress is not awaited), then waits for its signal. */
@Injectable()
class FloodTools {
  readonly signals: AbortSignal[] = [];

  @AgentTool({ description: 'Reports a lot of progress, then waits', parameters: { type: 'object', properties: {}, additionalProperties: false }, timeoutMs: 10_000 })
  async flood(_args: unknown, ctx: AgentRunContext) {
    const signal = ctx.signal;
    this.signals.push(signal);
    for (let i = 0; i < 200 && !signal.aborted; i++) ctx.progress({ step: i, data: `${i}:`.padEnd(PIECE, 'y') });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    return 'flooded';
  }
}

/**
 * A client that sends a run request over a raw TCP socket and then never reads a byte: the
 * socket is paused before anything arrives, so the kernel's buffers fill and then the app's.
 */
function neverReading(agentUrl: string, runId: string): { socket: Socket; received: () => number; closed: Promise<void> } {
  const url = new URL(agentUrl);
  const body = JSON.stringify({ threadId: `thread-${runId}`, runId, messages: [userMessage('go')] });
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  socket.pause();
  socket.write(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  // The app resets the connection when it cuts the client off.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => received, closed };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, delay(ms).then(() => Promise.reject(new Error(`${what}: not within ${ms} ms`)))]);

describe.each(PLATFORMS)('slow readers on %s', (platform) => {
  let t: TestApp;
  let tools: FloodTools;
  let metrics: AgUiMetrics;
  const cutOffWarnings = (runId: string) => t.logger.entries.filter((e) => e.level === 'warn' && e.message.includes('WRITE_TIMEOUT') && e.message.includes(runId));

  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [FloodTools], options: { writeTimeoutMs: WRITE_TIMEOUT_MS } });
    tools = t.app.get(FloodTools);
    metrics = t.app.get(AgUiMetrics);
  });
  afterAll(() => t.close());
  afterEach(() => t.fake.reset());

  it('cuts off a client that never reads: the model request is closed, one warning, the connection reset', async () => {
    const before = metrics.slowClientsCutOff;
    // 16 KiB a millisecond for about three seconds: still streaming when the cut comes (an answer
    // the fake server had already ended would not count as closed by the client).
    t.fake.enqueue({ kind: 'text', text: flood(2_000, 16 * 1024), delayMs: 1 });
    const client = neverReading(t.agentUrl, 'never-reads-model');
    const model = await t.fake.waitForRequest(0);
    const askedAt = Date.now();

    await within(model.clientClosed, 2_000, 'the model request to be closed');
    // Not before the write timeout: the cut comes from the timeout, not from anything else.
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(WRITE_TIMEOUT_MS - 50);
    expect(model.closedByClient).toBe(true);
    expect(cutOffWarnings('never-reads-model')).toHaveLength(1);
    expect(metrics.slowClientsCutOff).toBe(before + 1);

    // What the app held for this client is gone: once it reads, it finds the connection reset, with far less than was sent.
    client.socket.resume();
    await within(client.closed, 1_000, 'the client to see its connection closed');
    expect(client.received()).toBeLessThan(2_000 * 16 * 1024);
    expect(t.logger.errors()).toEqual([]);
  });

  it('stops a running tool through ctx.signal when its client never reads what the tool reports', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ name: 'flood', args: '{}' }] }, { kind: 'text', text: 'never requested' });
    const client = neverReading(t.agentUrl, 'never-reads-tool');
    const signal = await within(
      (async () => {
        while (!tools.signals.length) await delay(10);
        return tools.signals.at(-1)!;
      })(),
      1_000,
      'the tool to start',
    );
    await within(new Promise((resolve) => (signal.aborted ? resolve(true) : signal.addEventListener('abort', resolve))), 2_000, 'the tool signal');
    expect((signal.reason as { code?: string }).code).toBe('WRITE_TIMEOUT');
    expect(cutOffWarnings('never-reads-tool')).toHaveLength(1);
    await delay(100);
    // The run asked the model nothing more.
    expect(t.fake.requests).toHaveLength(1);
    client.socket.destroy();
  });

  it('serves other clients as before', async () => {
    t.fake.enqueue({ kind: 'text', text: ['Still ', 'here'] });
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')] });
    await expectValidRun(run.events, run.input);
    expect(streamedText(run.events)).toBe('Still here');
  });

  it('does not cut off a client that reads slowly but keeps reading', async () => {
    const before = metrics.slowClientsCutOff;
    const pieces = flood(256);
    t.fake.enqueue({ kind: 'text', text: pieces });
    const body = JSON.stringify({ threadId: 'thread-slow-reader', runId: 'slow-reader', messages: [userMessage('go')] });
    const url = new URL(t.agentUrl);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'text/event-stream' } });
    req.end(body);
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject));
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => res.once('end', resolve).once('error', reject));
    let finished = false;
    void ended.then(() => (finished = true));
    // Reads in short bursts with pauses well under the write timeout: slow, but never stalled for that long.
    let bursts = 0;
    const deadline = Date.now() + 2_500;
    while (!finished && Date.now() < deadline) {
      res.pause();
      await delay(150);
      res.resume();
      bursts++;
      await delay(5);
    }
    await within(ended, 500, 'the end of the slow stream');

    const events = parseSse(Buffer.concat(chunks).toString('utf8'));
    await expectValidRun(events, { threadId: 'thread-slow-reader', runId: 'slow-reader' });
    expect(ofType(events, EventType.RUN_FINISHED)).toHaveLength(1);
    expect(streamedText(events)).toBe(pieces.join(''));
    // It really was held back: everything did not fit in the first burst.
    expect(bursts).toBeGreaterThanOrEqual(3);
    expect(cutOffWarnings('slow-reader')).toEqual([]);
    expect(metrics.slowClientsCutOff).toBe(before);
    expect(t.fake.requests[0]!.closedByClient).toBe(false);
  });
});
