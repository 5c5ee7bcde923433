/**
 * SSE load client: runs many AG-UI streams against one endpoint, times them and checks every one.
 * It shares the machine with the servers it measures, so the hot path (per chunk / per event)
 * allocates nothing beyond JSON.parse and logs nothing.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  /** The run endpoint (POST). */
  url: string;
  /** Total streams to run. */
  requests: number;
  /** Streams open at once. */
  concurrency: number;
  /** At most this many requests waiting for response headers at once (default 64), so a burst does not overflow the server's listen backlog. */
  maxPendingHeaders?: number;
  /** The JSON body of request i (a RunAgentInput with string threadId and runId). */
  body: (index: number) => string;
  /** What every stream must contain. */
  expect: { contentEvents?: number; toolCall?: boolean };
  headers?: Record<string, string>;
  /** Called once per stream, when its first TEXT_MESSAGE_CONTENT arrives: the stream is open and streaming. */
  onFirstContent?: () => void;
  /** A stream still open after this long fails (default 60,000), so a hung server cannot hang the bench. */
  timeoutMs?: number;
  /** Connections to reuse across calls (the caller destroys it); by default each call opens its own. */
  agent?: Agent;
}

export interface StreamResult {
  ok: boolean;
  error?: string;
  /** Request sent → response headers; NaN when none arrived. */
  ttfbMs: number;
  /** Request sent → first TEXT_MESSAGE_CONTENT; NaN when there was none. */
  firstContentMs: number;
  /** Request sent → stream end (or failure). */
  totalMs: number;
  events: number;
  contentEvents: number;
  /** Time between consecutive TEXT_MESSAGE_CONTENT events of this stream. */
  gapsMs: number[];
}

export interface LoadResult {
  streams: StreamResult[];
  wallMs: number;
  failed: number;
  events: number;
}

class Semaphore {
  private readonly waiting: Array<() => void> = [];

  constructor(private available: number) {}

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}

interface ParsedEvent {
  type?: unknown;
  threadId?: unknown;
  runId?: unknown;
  message?: unknown;
}

/** Incremental SSE parser and AG-UI checker for one stream. */
class StreamCheck {
  events = 0;
  contentEvents = 0;
  firstContentAt = Number.NaN;
  readonly gapsMs: number[] = [];
  error: string | undefined;
  private lastContentAt = Number.NaN;
  private terminals = 0;
  private toolCallStart = false;
  private toolCallResult = false;
  private buffer = '';

  constructor(
    private readonly threadId: string,
    private readonly runId: string,
    private readonly expect: LoadOptions['expect'],
    private readonly onFirstContent?: () => void,
  ) {}

  /** `now` is when the chunk arrived: every event in it is timed by that. */
  push(chunk: string, now: number): void {
    // A "\n\n" may straddle the old tail and the new chunk.
    let searchFrom = this.buffer.length > 0 ? this.buffer.length - 1 : 0;
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n\n', searchFrom);
      if (end === -1) break;
      this.block(start, end, now);
      start = end + 2;
      searchFrom = start;
    }
    if (start > 0) this.buffer = this.buffer.slice(start);
  }

  /** Checks that need the whole stream; returns the stream's error, if any. */
  finish(): string | undefined {
    if (this.buffer.trim().length > 0) this.fail('stream ended inside an event');
    if (this.events === 0) this.fail('no events');
    if (this.terminals === 0) this.fail('no terminal event');
    if (this.expect.contentEvents !== undefined && this.contentEvents !== this.expect.contentEvents) {
      this.fail(`${this.contentEvents} TEXT_MESSAGE_CONTENT events, expected ${this.expect.contentEvents}`);
    }
    if (this.expect.toolCall && !this.toolCallStart) this.fail('no TOOL_CALL_START');
    if (this.expect.toolCall && !this.toolCallResult) this.fail('no TOOL_CALL_RESULT');
    return this.error;
  }

  private fail(message: string): void {
    // The first problem is the one worth reporting; later ones usually follow from it.
    this.error ??= message;
  }

  private block(start: number, end: number, now: number): void {
    const buffer = this.buffer;
    let data: string | undefined;
    let lineStart = start;
    while (lineStart < end) {
      let lineEnd = buffer.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      // Only data lines matter; ": ping" comments, event:, id: and retry: are ignored as HttpAgent does.
      if (buffer.startsWith('data:', lineStart)) {
        let from = lineStart + 5;
        if (buffer.charCodeAt(from) === 32) from++;
        const piece = buffer.slice(from, lineEnd);
        data = data === undefined ? piece : `${data}\n${piece}`;
      }
      lineStart = lineEnd + 1;
    }
    if (data !== undefined) this.event(data, now);
  }

  private event(data: string, now: number): void {
    let event: ParsedEvent | null;
    try {
      event = JSON.parse(data) as ParsedEvent | null;
    } catch {
      this.fail('an event is not JSON');
      return;
    }
    if (event === null || typeof event !== 'object' || typeof event.type !== 'string') {
      this.fail('an event has no type');
      return;
    }
    const type = event.type;
    this.events++;
    if (this.terminals > 0) this.fail(`${type} after the terminal event`);
    if (this.events === 1 && type !== 'RUN_STARTED') this.fail(`first event is ${type}, not RUN_STARTED`);
    switch (type) {
      case 'TEXT_MESSAGE_CONTENT':
        this.contentEvents++;
        if (this.contentEvents === 1) {
          this.firstContentAt = now;
          this.onFirstContent?.();
        } else this.gapsMs.push(now - this.lastContentAt);
        this.lastContentAt = now;
        break;
      case 'RUN_STARTED':
        if (this.events !== 1) this.fail('RUN_STARTED is not the first event');
        else if (event.threadId !== this.threadId || event.runId !== this.runId) this.fail('RUN_STARTED does not echo threadId/runId');
        break;
      case 'RUN_FINISHED':
        this.terminals++;
        break;
      case 'RUN_ERROR':
        this.terminals++;
        this.fail(`RUN_ERROR: ${String(event.message).slice(0, 120)}`);
        break;
      case 'TOOL_CALL_START':
        this.toolCallStart = true;
        break;
      case 'TOOL_CALL_RESULT':
        this.toolCallResult = true;
        break;
    }
  }
}

function runIds(body: string, index: number): { threadId: string; runId: string } {
  let parsed: { threadId?: unknown; runId?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new TypeError(`body(${index}) is not JSON`);
  }
  if (typeof parsed?.threadId !== 'string' || typeof parsed.runId !== 'string') {
    throw new TypeError(`body(${index}) has no string threadId/runId`);
  }
  return { threadId: parsed.threadId, runId: parsed.runId };
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/**
 * Runs `requests` streams, `concurrency` at a time. A failed stream is a result (`ok: false`),
 * never a rejection; the promise rejects only on a caller error (bad options, a throwing body()).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { requests, concurrency, expect } = options;
  const maxPendingHeaders = options.maxPendingHeaders ?? 64;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isInteger(requests) || requests < 0) throw new RangeError(`requests must be a non-negative integer, got ${requests}`);
  positiveInteger('concurrency', concurrency);
  positiveInteger('maxPendingHeaders', maxPendingHeaders);
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const url = new URL(options.url);

  const agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: Infinity });
  const pendingHeaders = new Semaphore(maxPendingHeaders);
  const streams: StreamResult[] = new Array<StreamResult>(requests);

  const runOne = async (index: number): Promise<StreamResult> => {
    const body = options.body(index);
    const { threadId, runId } = runIds(body, index);
    const headers: Record<string, string | number> = {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...options.headers,
      'content-length': Buffer.byteLength(body),
    };
    await pendingHeaders.acquire();

    return new Promise<StreamResult>((resolve) => {
      const start = performance.now();
      let ttfbMs = Number.NaN;
      let holdsHeaderSlot = true;
      let settled = false;
      let check: StreamCheck | undefined;

      const releaseHeaderSlot = () => {
        if (holdsHeaderSlot) {
          holdsHeaderSlot = false;
          pendingHeaders.release();
        }
      };
      const finish = (error: string | undefined) => {
        if (settled) return;
        settled = true;
        const totalMs = performance.now() - start;
        clearTimeout(timer);
        releaseHeaderSlot();
        resolve({
          ok: error === undefined,
          ...(error === undefined ? {} : { error }),
          ttfbMs,
          firstContentMs: check ? check.firstContentAt - start : Number.NaN,
          totalMs,
          events: check?.events ?? 0,
          contentEvents: check?.contentEvents ?? 0,
          gapsMs: check?.gapsMs ?? [],
        });
      };

      const req = request(url, { method: 'POST', agent, headers });
      const timer = setTimeout(() => {
        finish(`timed out after ${timeoutMs} ms`);
        req.destroy();
      }, timeoutMs);
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.on('error', (error) => finish(`request failed: ${error.message}`));
      req.on('response', (res) => {
        ttfbMs = performance.now() - start;
        releaseHeaderSlot();
        res.setEncoding('utf8');
        const contentType = res.headers['content-type'] ?? '';
        if (res.statusCode !== 200 || !contentType.startsWith('text/event-stream')) {
          let text = '';
          res.on('data', (chunk: string) => {
            if (text.length < 200) text += chunk;
          });
          res.on('end', () => finish(`HTTP ${res.statusCode} (${contentType || 'no content type'}): ${text.slice(0, 120)}`));
          res.on('error', (error) => finish(`HTTP ${res.statusCode}: ${error.message}`));
          return;
        }
        const stream = (check = new StreamCheck(threadId, runId, expect, options.onFirstContent));
        res.on('data', (chunk: string) => stream.push(chunk, performance.now()));
        res.on('end', () => finish(stream.finish()));
        res.on('error', (error) => finish(`stream broke: ${error.message}`));
        // 'close' without 'end': the connection went away mid-stream.
        res.on('close', () => finish('connection closed before the stream ended'));
      });
      req.end(body);
    });
  };

  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < requests) {
      const index = next++;
      try {
        streams[index] = await runOne(index);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };

  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  } finally {
    if (!options.agent) agent.destroy();
  }
  const wallMs = performance.now() - started;

  let failed = 0;
  let events = 0;
  for (const stream of streams) {
    if (!stream.ok) failed++;
    events += stream.events;
  }
  return { streams, wallMs, failed, events };
}
