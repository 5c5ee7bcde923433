import { once } from 'node:events';
import { createServer, request, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE, decode } from '@ag-ui/proto';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { KeepAliveTicker } from './keep-alive.ticker.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects when `promise` takes longer than `ms`, so a hang fails fast with a reason. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function content(i: number, delta = 'x'): BaseEvent {
  return { type: EventType.TEXT_MESSAGE_CONTENT, messageId: `m${String(i).padStart(6, '0')}`, delta } as BaseEvent;
}

function sseFrame(event: BaseEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** Writes a run's events as the runner does: through the sink, waiting whenever it asks. */
type Producer = (sink: (event: BaseEvent) => Promise<void> | undefined, signal: AbortSignal) => Promise<void>;

/** What the server side of one request did. */
interface ServerRun {
  done: Promise<void>;
  stream: EventStream;
  gone: Promise<void>;
  goneCalls: () => number;
  /** What onClientGone was given: a WriteTimeoutError when the stream cut the client off. */
  goneReason: () => Error | undefined;
}

let server: Server | undefined;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

/**
 * A real HTTP server whose handler runs `produce` into EventStream, as the controller runs the
 * runner: the signal aborts when the client goes, and the stream is ended after the producer.
 * Resolves the port and, per request, what happened on the server side.
 */
async function serve(options: EventStreamOptions, produce: Producer): Promise<{ port: number; run: Promise<ServerRun> }> {
  const run = deferred<ServerRun>();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const gone = deferred();
    const abort = new AbortController();
    let goneCalls = 0;
    let goneReason: Error | undefined;
    const stream = new EventStream(res, options);
    stream.open(req, (reason) => {
      goneCalls++;
      goneReason = reason;
      abort.abort();
      gone.resolve();
    });
    const done = produce((event) => stream.write(event), abort.signal).finally(() => stream.end());
    run.resolve({ done, stream, gone: gone.promise, goneCalls: () => goneCalls, goneReason: () => goneReason });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, run: run.promise };
}

function get(port: number, headers: Record<string, string> = {}): { req: ClientRequest; res: Promise<IncomingMessage> } {
  const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', headers, agent: false });
  const res = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.end();
  return { req, res };
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeFrames(body: Buffer): BaseEvent[] {
  const events: BaseEvent[] = [];
  let offset = 0;
  while (offset < body.length) {
    expect(body.length - offset).toBeGreaterThanOrEqual(4);
    const length = body.readUInt32BE(offset);
    expect(body.length - offset - 4).toBeGreaterThanOrEqual(length);
    events.push(decode(new Uint8Array(body.subarray(offset + 4, offset + 4 + length))));
    offset += 4 + length;
  }
  return events;
}

describe('EventStream over a real HTTP connection', () => {
  it('writes each event as one SSE data frame, sets the streaming headers and ends the response', async () => {
    const events: BaseEvent[] = [
      { type: EventType.RUN_STARTED, threadId: 't', runId: 'r' } as BaseEvent,
      { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' } as BaseEvent,
      content(1, 'Hello\nworld "quoted"'),
      { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' } as BaseEvent,
      { type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent,
    ];
    const { port, run } = await serve({ encoding: 'sse' }, async (sink) => {
      for (const event of events) {
        await sink(event);
        await delay(1);
      }
    });

    const { res } = get(port, { accept: 'text/event-stream' });
    const response = await res;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache, no-transform');
    expect(response.headers['x-accel-buffering']).toBe('no');

    const body = await within(readAll(response), 2000, 'the end of the response');
    expect(body.toString('utf8')).toBe(events.map(sseFrame).join(''));

    const server = await run;
    await expect(server.done).resolves.toBeUndefined();
    expect(server.goneCalls()).toBe(0);
  });

  it('sends the headers with the first event and ends the response with the terminal event, in the same writes', async () => {
    const seen: { headersSentAfterOpen?: boolean; endedWith: unknown[] } = { endedWith: [] };
    server = createServer((req, res) => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        seen.endedWith.push(args[0]);
        return end(...args);
      }) as typeof res.end;
      const stream = new EventStream(res, { encoding: 'sse' });
      stream.open(req, () => undefined);
      seen.headersSentAfterOpen = res.headersSent;
      stream.write({ type: EventType.RUN_STARTED, threadId: 't', runId: 'r' } as BaseEvent);
      stream.write({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent);
      stream.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { res } = get((server.address() as AddressInfo).port);
    const body = await within(readAll(await res), 2000, 'the end of the response');

    expect(seen.headersSentAfterOpen).toBe(false);
    expect(seen.endedWith).toEqual([sseFrame({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent)]);
    expect(body.toString('utf8')).toContain('RUN_STARTED');
  });

  it('waits for drain: a client that stops reading stalls the producer, and resuming delivers everything', async () => {
    const total = 1000;
    const big = 'x'.repeat(64 * 1024);
    let produced = 0;
    const { port, run } = await serve({ encoding: 'sse' }, async (sink) => {
      for (let i = 0; i < total; i++) {
        produced++;
        const wait = sink(content(i, big));
        if (wait) await wait;
      }
    });

    const { res } = get(port);
    const response = await res;
    response.pause();

    await delay(250);
    const stalledAt = produced;
    await delay(150);
    // Nothing is read, so once the socket buffers are full the producer is kept waiting.
    expect(produced).toBe(stalledAt);
    expect(stalledAt).toBeGreaterThan(0);
    // ~64 MiB would be in flight without backpressure; socket buffers hold a few MiB.
    expect(stalledAt).toBeLessThan(200);

    // Parse frames as they arrive: every event must come through whole and in order.
    const ids: number[] = [];
    let pending = '';
    let malformed = 0;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const frame = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        const id = /^data: \{"type":"TEXT_MESSAGE_CONTENT","messageId":"m(\d+)"/.exec(frame);
        if (!id || frame !== sseFrame(content(Number(id[1]), big))) malformed++;
        else ids.push(Number(id[1]));
      }
    });
    response.resume();
    await within(once(response, 'end'), 4000, 'the end of the resumed response');

    expect(produced).toBe(total);
    expect(malformed).toBe(0);
    expect(pending).toBe('');
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i));
    await (await run).done;
  });

  it('on client disconnect calls onGone once, and drops what is written after it without waiting', async () => {
    let produced = 0;
    const { port, run } = await serve({ encoding: 'sse' }, async (sink, signal) => {
      while (!signal.aborted) {
        produced++;
        await sink(content(produced));
        await delay(5);
      }
    });

    const { req, res } = get(port);
    const response = await res;
    await once(response, 'data');
    req.destroy();

    const server = await run;
    await within(server.gone, 2000, 'onGone');
    await within(server.done, 2000, 'the producer to stop');
    expect(produced).toBeLessThan(100);
    expect(server.goneCalls()).toBe(1);
    // The run may still be finishing when the client has gone: its writes are dropped, never waited on.
    expect(server.stream.write(content(0, 'x'.repeat(1 << 20)))).toBeUndefined();
  });

  it('on client disconnect while waiting for drain, the wait ends', async () => {
    const big = 'y'.repeat(64 * 1024);
    let produced = 0;
    let waits = 0;
    const { port, run } = await serve({ encoding: 'sse' }, async (sink, signal) => {
      while (!signal.aborted) {
        produced++;
        const wait = sink(content(produced, big));
        if (wait) {
          waits++;
          await wait;
        }
      }
    });

    const { req, res } = get(port);
    const response = await res;
    response.pause();
    await delay(150);
    const stalledAt = produced;
    expect(waits).toBeGreaterThan(0);
    req.destroy();

    const server = await run;
    await within(server.gone, 2000, 'onGone');
    await within(server.done, 2000, 'the wait for drain to end');
    expect(produced).toBe(stalledAt);
  });

  it('sends ": ping" comments between SSE events while the run is slow', async () => {
    const { port, run } = await serve({ encoding: 'sse', keepAlive: new KeepAliveTicker(20) }, async (sink) => {
      await sink(content(1));
      await delay(150);
      await sink(content(2));
    });

    const body = (await within(readAll(await get(port).res), 2000, 'the response')).toString('utf8');
    const pings = body.split(': ping\n\n').length - 1;
    expect(pings).toBeGreaterThanOrEqual(2);
    // Pings sit between whole frames and the events survive intact and in order.
    expect(body.replaceAll(': ping\n\n', '')).toBe(sseFrame(content(1)) + sseFrame(content(2)));
    expect(body.startsWith(sseFrame(content(1)))).toBe(true);
    await (await run).done;
  });

  it('never sends pings with protobuf encoding, and frames are 4-byte big-endian length-prefixed', async () => {
    const events: BaseEvent[] = [
      { type: EventType.RUN_STARTED, threadId: 't', runId: 'r' } as BaseEvent,
      { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' } as BaseEvent,
      content(1, 'héllo ✓'),
      { type: EventType.TOOL_CALL_START, toolCallId: 'c1', toolCallName: 'lookup', parentMessageId: 'm1' } as BaseEvent,
      { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta: '{"q":1}' } as BaseEvent,
      { type: EventType.TOOL_CALL_END, toolCallId: 'c1' } as BaseEvent,
      { type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent,
    ];
    const { port, run } = await serve({ encoding: 'protobuf', keepAlive: new KeepAliveTicker(20) }, async (sink) => {
      for (const [i, event] of events.entries()) {
        await sink(event);
        if (i === 2) await delay(120);
      }
    });

    const response = await get(port, { accept: AGUI_MEDIA_TYPE }).res;
    expect(response.headers['content-type']).toBe(AGUI_MEDIA_TYPE);
    expect(response.headers['cache-control']).toBe('no-cache, no-transform');
    const body = await within(readAll(response), 2000, 'the response');

    expect(body.includes(Buffer.from(': ping'))).toBe(false);
    const decoded = decodeFrames(body);
    expect(decoded).toHaveLength(events.length);
    decoded.forEach((event, i) => expect(event).toMatchObject(events[i]!));
    await (await run).done;
  });
});

describe('EventStream write timeout', () => {
  const big = 'z'.repeat(64 * 1024);

  it('cuts off a client that reads nothing for writeTimeoutMs while the buffer is full: onClientGone gets WRITE_TIMEOUT once', async () => {
    let produced = 0;
    let stalledAt = 0;
    const { port, run } = await serve({ encoding: 'sse', writeTimeoutMs: 200 }, async (sink, signal) => {
      while (!signal.aborted) {
        produced++;
        const wait = sink(content(produced, big));
        if (wait) {
          stalledAt ||= Date.now();
          await wait;
        }
      }
    });

    const { req, res } = get(port);
    req.on('error', () => undefined);
    const response = await res;
    response.on('error', () => undefined);
    response.pause();

    const server = await run;
    await within(server.gone, 2000, 'the cut-off');
    await within(server.done, 2000, 'the producer to stop');
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(190);
    expect(server.goneCalls()).toBe(1);
    expect(server.goneReason()).toMatchObject({ code: 'WRITE_TIMEOUT' });
    // Nothing more is written or waited on.
    expect(server.stream.write(content(0, big))).toBeUndefined();
    // The connection is reset: the client finds it closed as soon as it looks.
    response.resume();
    await within(once(req.socket!, 'close'), 1000, 'the client socket to close');
  });

  it('keeps a client that reads slowly, in bursts closer together than the timeout', async () => {
    const total = 60;
    let waits = 0;
    const { port, run } = await serve({ encoding: 'sse', writeTimeoutMs: 300 }, async (sink) => {
      for (let i = 0; i < total; i++) {
        const wait = sink(content(i, big));
        if (wait) {
          waits++;
          await wait;
        }
      }
    });

    const response = await get(port).res;
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    let ended = false;
    const body = once(response, 'end').then(() => {
      ended = true;
      return Buffer.concat(chunks);
    });
    while (!ended) {
      response.pause();
      await delay(120);
      response.resume();
      await delay(5);
    }
    expect((await body).toString('utf8')).toBe(Array.from({ length: total }, (_, i) => sseFrame(content(i, big))).join(''));
    const server = await run;
    await server.done;
    expect(waits).toBeGreaterThan(0);
    expect(server.goneCalls()).toBe(0);
  });

  it('cuts off a client that never reads the end of a finished run, and frees what was held for it', async () => {
    const { port, run } = await serve({ encoding: 'sse', writeTimeoutMs: 200 }, async (sink) => {
      // Progress-like writes the run does not wait for, then the terminal event.
      for (let i = 0; i < 100; i++) void sink(content(i, big));
      sink({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent);
    });

    const { req, res } = get(port);
    req.on('error', () => undefined);
    const response = await res;
    response.on('error', () => undefined);
    response.pause();

    const server = await run;
    await server.done;
    await within(server.gone, 2000, 'the cut-off after the end');
    expect(server.goneReason()).toMatchObject({ code: 'WRITE_TIMEOUT' });
    expect(server.goneCalls()).toBe(1);
  });

  it('does not cut off a finished stream that the client reads in time', async () => {
    const { port, run } = await serve({ encoding: 'sse', writeTimeoutMs: 200 }, async (sink) => {
      for (let i = 0; i < 100; i++) void sink(content(i, big));
      sink({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent);
    });
    const response = await get(port).res;
    response.pause();
    await delay(100);
    response.resume();
    const body = await within(readAll(response), 2000, 'the whole response');
    expect(body.toString('utf8').endsWith(sseFrame({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent))).toBe(true);
    await delay(250);
    expect((await run).goneCalls()).toBe(0);
  });

  it('sends no pings into a full buffer', async () => {
    const { port, run } = await serve({ encoding: 'sse', keepAlive: new KeepAliveTicker(5) }, async (sink) => {
      let wait: Promise<void> | undefined;
      for (let i = 0; !wait; i++) wait = sink(content(i, big));
      await wait;
    });
    const response = await get(port).res;
    response.pause();
    // About 40 ticks while the client reads nothing.
    await delay(200);
    response.resume();
    const body = (await within(readAll(response), 2000, 'the response')).toString('utf8');
    expect(body.split(': ping\n\n').length - 1).toBeLessThanOrEqual(3);
    await (await run).done;
  });
});
