import { spawn } from 'node:child_process';
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../bench/load-client.js';
import { RssSampler, clockTicksPerSecond, cpuTimeMs, processTree, rssBytes } from '../bench/proc-stats.js';
import { formatRatio, markdownTable, percentile, summarize } from '../bench/stats.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

describe('bench stats helpers', () => {
  it('takes nearest-rank percentiles on a sorted copy', () => {
    const values = [50, 15, 40, 20, 35];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 99)).toBe(50);
    expect(percentile(values, 100)).toBe(50);
    expect(values).toEqual([50, 15, 40, 20, 35]);
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([7, Number.NaN], 100)).toBe(7);
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });

  it('summarizes p50, p99, max, mean and count', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(oneToHundred)).toEqual({ p50: 50, p99: 99, max: 100, mean: 50.5, count: 100 });
    expect(summarize([3])).toEqual({ p50: 3, p99: 3, max: 3, mean: 3, count: 1 });
    const empty = summarize([]);
    expect(empty.count).toBe(0);
    expect(empty.p50).toBeNaN();
    expect(empty.mean).toBeNaN();
  });

  it('renders a GitHub markdown table with numeric columns right-aligned', () => {
    const table = markdownTable(
      ['server', 'p50 ms', 'rps'],
      [
        ['node:http', 1.23456, 1234.4],
        ['nest|ag-ui', 12.345, 98765],
      ],
    );
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line.startsWith('| ')).toBe(true);
      expect(line.endsWith(' |')).toBe(true);
      // 3 columns → 4 unescaped pipes
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    }
    const separator = lines[1]!.split('|').slice(1, -1).map((cell) => cell.trim());
    expect(separator[0]).toMatch(/^-{3,}$/);
    expect(separator[1]).toMatch(/^-{2,}:$/);
    expect(separator[2]).toMatch(/^-{2,}:$/);
    expect(lines[2]).toContain('1.23');
    expect(lines[2]).toContain('1234');
    expect(lines[2]).not.toContain('1234.4');
    expect(lines[3]).toContain('12.3');
    expect(lines[3]).toContain('98765');
    expect(lines[3]).toContain('nest\\|ag-ui');
    expect(markdownTable(['a'], [[Number.NaN]])).toContain('n/a');
    expect(() => markdownTable(['a', 'b'], [['only one']])).toThrow();
  });

  it('formats ratios and refuses meaningless ones', () => {
    expect(formatRatio(112, 100)).toBe('1.12x');
    expect(formatRatio(50, 100)).toBe('0.50x');
    expect(formatRatio(1, 0)).toBe('n/a');
    expect(formatRatio(1, Number.NaN)).toBe('n/a');
    expect(formatRatio(Number.NaN, 1)).toBe('n/a');
  });
});

describe('bench /proc figures', () => {
  it('reads clock ticks, CPU time and RSS of the current process', () => {
    const ticks = clockTicksPerSecond();
    expect(Number.isInteger(ticks)).toBe(true);
    expect(ticks).toBeGreaterThan(0);

    expect(processTree(process.pid)).toContain(process.pid);
    const before = cpuTimeMs(process.pid);
    expect(before).toBeGreaterThan(0);
    const end = performance.now() + 60;
    let spin = 0;
    while (performance.now() < end) spin++;
    expect(spin).toBeGreaterThan(0);
    // 60 ms of spinning, read at tick granularity (10 ms at 100 Hz)
    expect(cpuTimeMs(process.pid) - before).toBeGreaterThanOrEqual(30);

    const rss = rssBytes(process.pid);
    expect(rss).toBeGreaterThan(10 * MB);
    expect(rss).toBeGreaterThanOrEqual(process.memoryUsage().rss * 0.8);
  });

  it('reads CPU time finer than the 10 ms clock tick, from the threads schedstat', () => {
    // Spun by CPU time (getrusage), not wall time: a busy machine may take the core away mid-spin.
    const processCpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const spinMs = (ms: number) => {
      const end = processCpuMs() + ms;
      while (processCpuMs() < end);
    };
    const deltas: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = cpuTimeMs(process.pid);
      spinMs(3);
      deltas.push(cpuTimeMs(process.pid) - before);
    }
    // Ticks would read each 3 ms spin as 0 or 10 ms.
    for (const delta of deltas) expect(delta).toBeGreaterThanOrEqual(2.9);
    expect(deltas.filter((delta) => delta < 9).length).toBeGreaterThanOrEqual(3);
  });

  it('treats a pid that does not exist as an empty tree', () => {
    const missing = 999_999_999;
    expect(processTree(missing)).toEqual([]);
    expect(cpuTimeMs(missing)).toBe(0);
    expect(rssBytes(missing)).toBe(0);
  });

  it('includes a child process in the tree, its CPU time and its RSS, and drops it once it exits', async () => {
    // Busy for 200 ms first so that its CPU time is visible in the tree's sum.
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 200; while (Date.now() < end); setTimeout(() => {}, 2000)'], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      const pid = child.pid!;
      expect(processTree(process.pid)).toContain(pid);

      let childCpu = 0;
      for (let waited = 0; waited < 3000 && childCpu < 150; waited += 50) {
        await sleep(50);
        childCpu = cpuTimeMs(pid);
      }
      expect(childCpu).toBeGreaterThanOrEqual(150);
      const selfCpu = process.cpuUsage();
      const treeCpu = cpuTimeMs(process.pid);
      expect(treeCpu).toBeGreaterThanOrEqual(childCpu + (selfCpu.user + selfCpu.system) / 1000 - 50);

      const childRss = rssBytes(pid);
      expect(childRss).toBeGreaterThan(10 * MB);
      const selfRss = process.memoryUsage().rss;
      // Half of the child is far more than the parent's RSS can drift between two reads.
      expect(rssBytes(process.pid)).toBeGreaterThan(selfRss + childRss / 2);
    } finally {
      child.kill();
      await exited;
    }
    expect(processTree(process.pid)).not.toContain(child.pid);
  });

  it('samples RSS periodically and keeps the peak', async () => {
    const sampler = new RssSampler(process.pid, 20);
    sampler.start();
    const ballast = Buffer.alloc(64 * MB, 1);
    await sleep(200);
    const result = sampler.stop();
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(result.samples).toBeGreaterThanOrEqual(5);
    expect(result.lastBytes).toBeGreaterThan(0);
    expect(result.peakBytes).toBeGreaterThanOrEqual(result.lastBytes);
    expect(result.peakBytes).toBeGreaterThan(64 * MB);
    // stopping again changes nothing and takes no more samples
    expect(sampler.stop()).toEqual(result);

    const gone = new RssSampler(999_999_999, 10);
    gone.start();
    await sleep(50);
    expect(gone.stop()).toEqual({ peakBytes: 0, lastBytes: 0, samples: 0 });
  });
});

/**
 * A tiny AG-UI server. The path picks the behaviour: ok, tool, no-terminal, wrong-run-id,
 * run-error, http-500, cut, hang, slow-headers.
 */
class FakeAgUiServer {
  readonly server: Server;
  awaitingHeaders = 0;
  maxAwaitingHeaders = 0;
  openStreams = 0;
  maxOpenStreams = 0;
  connections = 0;
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', () => this.connections++);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  resetCounters(): void {
    this.connections = 0;
    this.maxAwaitingHeaders = 0;
    this.maxOpenStreams = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.awaitingHeaders++;
    this.maxAwaitingHeaders = Math.max(this.maxAwaitingHeaders, this.awaitingHeaders);
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const { threadId, runId } = JSON.parse(raw) as { threadId: string; runId: string };
    const mode = req.url!.slice(1);
    if (mode === 'slow-headers') await sleep(20);

    if (mode === 'http-500') {
      this.awaitingHeaders--;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"boom"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.awaitingHeaders--;
    this.openStreams++;
    this.maxOpenStreams = Math.max(this.maxOpenStreams, this.openStreams);
    try {
      const send = (event: object) => res.write(`data: ${JSON.stringify(event)}\n\n`);
      res.write(': ping\n\n');
      res.write(`id: 1\nevent: message\ndata: ${JSON.stringify({ type: 'RUN_STARTED', threadId, runId: mode === 'wrong-run-id' ? 'other' : runId })}\n\n`);
      if (mode === 'tool') {
        send({ type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'get_weather' });
        send({ type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"city":"Oslo"}' });
        send({ type: 'TOOL_CALL_END', toolCallId: 'c1' });
        send({ type: 'TOOL_CALL_RESULT', messageId: 'm0', toolCallId: 'c1', content: 'sunny' });
      }
      send({ type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' });
      for (let i = 0; i < 5; i++) {
        await sleep(5);
        const event = `data: ${JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: `w${i} ` })}\n\n`;
        if (i === 2) {
          // An event split over two TCP writes, cut inside its "\n\n", must still be parsed once.
          res.write(event.slice(0, -1));
          await sleep(2);
          res.write(event.slice(-1));
        } else {
          res.write(event);
        }
        if (mode === 'cut' && i === 3) {
          res.destroy();
          return;
        }
        if (mode === 'hang' && i === 3) return;
      }
      send({ type: 'TEXT_MESSAGE_END', messageId: 'm1' });
      if (mode === 'run-error') send({ type: 'RUN_ERROR', message: 'model failed' });
      else if (mode !== 'no-terminal') send({ type: 'RUN_FINISHED', threadId, runId });
      res.end();
    } finally {
      this.openStreams--;
    }
  }
}

describe('bench load client', () => {
  const fake = new FakeAgUiServer();
  const body = (i: number) => JSON.stringify({ threadId: `thread-${i}`, runId: `run-${i}`, messages: [] });

  beforeAll(() => fake.listen());
  afterAll(() => fake.close());
  beforeEach(() => fake.resetCounters());

  it('runs every stream, counts events and times each one', async () => {
    const result = await runLoad({ url: `${fake.url}/ok`, requests: 12, concurrency: 3, body, expect: { contentEvents: 5 } });
    expect(result.failed).toBe(0);
    expect(result.streams).toHaveLength(12);
    // RUN_STARTED, TEXT_MESSAGE_START, 5 × CONTENT, TEXT_MESSAGE_END, RUN_FINISHED; the ping is not an event
    expect(result.events).toBe(12 * 9);
    expect(result.wallMs).toBeGreaterThan(0);
    for (const stream of result.streams) {
      expect(stream).toMatchObject({ ok: true, events: 9, contentEvents: 5 });
      expect(stream.error).toBeUndefined();
      expect(stream.ttfbMs).toBeGreaterThan(0);
      expect(stream.ttfbMs).toBeLessThanOrEqual(stream.firstContentMs);
      expect(stream.firstContentMs).toBeLessThanOrEqual(stream.totalMs);
      expect(stream.gapsMs).toHaveLength(4);
      // The server sleeps ≥ 5 ms before each content (≥ 20 ms across the four gaps). Client and server share this
      // event loop, so single gaps can shrink when two chunks are read in one turn, but not the whole span.
      for (const gap of stream.gapsMs) expect(gap).toBeGreaterThanOrEqual(0);
      expect(stream.gapsMs.reduce((sum, gap) => sum + gap, 0)).toBeGreaterThan(10);
    }
    expect(fake.maxOpenStreams).toBeLessThanOrEqual(3);
    expect(fake.maxOpenStreams).toBeGreaterThanOrEqual(2);
  });

  it("reuses the caller's agent across calls and leaves it open; without one, each call opens its own connections", async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      for (let call = 0; call < 3; call++) {
        const result = await runLoad({ url: `${fake.url}/ok`, requests: 1, concurrency: 1, body, expect: { contentEvents: 5 }, agent });
        expect(result.failed).toBe(0);
      }
      expect(fake.connections).toBe(1);
    } finally {
      agent.destroy();
    }
    for (let call = 0; call < 2; call++) await runLoad({ url: `${fake.url}/ok`, requests: 1, concurrency: 1, body, expect: { contentEvents: 5 } });
    expect(fake.connections).toBe(3);
  });

  it('honours maxPendingHeaders independently of concurrency', async () => {
    const limited = await runLoad({
      url: `${fake.url}/slow-headers`,
      requests: 20,
      concurrency: 20,
      maxPendingHeaders: 4,
      body,
      expect: { contentEvents: 5 },
    });
    expect(limited.failed).toBe(0);
    expect(fake.maxAwaitingHeaders).toBeLessThanOrEqual(4);
    expect(fake.maxAwaitingHeaders).toBeGreaterThanOrEqual(2);
    // streams themselves still overlap beyond the header limit
    expect(fake.maxOpenStreams).toBeGreaterThan(4);

    // Control: the server's counter does see more when the client allows it.
    fake.resetCounters();
    const unlimited = await runLoad({
      url: `${fake.url}/slow-headers`,
      requests: 20,
      concurrency: 20,
      maxPendingHeaders: 20,
      body,
      expect: { contentEvents: 5 },
    });
    expect(unlimited.failed).toBe(0);
    expect(fake.maxAwaitingHeaders).toBeGreaterThan(4);
  });

  it('checks for a tool call when asked', async () => {
    const withTool = await runLoad({ url: `${fake.url}/tool`, requests: 3, concurrency: 3, body, expect: { contentEvents: 5, toolCall: true } });
    expect(withTool.failed).toBe(0);
    expect(withTool.streams.every((stream) => stream.events === 13)).toBe(true);

    const withoutTool = await runLoad({ url: `${fake.url}/ok`, requests: 2, concurrency: 2, body, expect: { toolCall: true } });
    expect(withoutTool.failed).toBe(2);
    expect(withoutTool.streams[0]).toMatchObject({ ok: false, error: 'no TOOL_CALL_START' });
  });

  it.each([
    ['missing its terminal event', 'no-terminal', { contentEvents: 5 }, /no terminal event/],
    ['with the wrong content count', 'ok', { contentEvents: 6 }, /5 TEXT_MESSAGE_CONTENT events, expected 6/],
    ['with a RUN_STARTED for another run', 'wrong-run-id', { contentEvents: 5 }, /RUN_STARTED does not echo threadId\/runId/],
    ['ending in RUN_ERROR', 'run-error', { contentEvents: 5 }, /RUN_ERROR: model failed/],
    ['answered with HTTP 500', 'http-500', {}, /HTTP 500/],
    ['cut off mid-stream', 'cut', { contentEvents: 5 }, /closed|broke/],
  ] as const)('reports a stream %s as failed without throwing', async (_label, mode, expect_, error) => {
    const result = await runLoad({ url: `${fake.url}/${mode}`, requests: 3, concurrency: 2, body, expect: expect_ });
    expect(result.failed).toBe(3);
    expect(result.streams).toHaveLength(3);
    for (const stream of result.streams) {
      expect(stream.ok).toBe(false);
      expect(stream.error).toMatch(error);
      expect(Number.isFinite(stream.totalMs)).toBe(true);
    }
  });

  it('fails a stream that never ends after timeoutMs', async () => {
    const started = performance.now();
    const result = await runLoad({ url: `${fake.url}/hang`, requests: 2, concurrency: 2, body, expect: {}, timeoutMs: 300 });
    expect(result.failed).toBe(2);
    expect(result.streams[0]!.error).toMatch(/timed out after 300 ms/);
    expect(result.streams[0]!.contentEvents).toBe(4);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('fails a connection that cannot be made, and rejects only on caller errors', async () => {
    const closed = new FakeAgUiServer();
    await closed.listen();
    const deadUrl = closed.url;
    await closed.close();
    const refused = await runLoad({ url: `${deadUrl}/ok`, requests: 2, concurrency: 2, body, expect: {} });
    expect(refused.failed).toBe(2);
    expect(refused.streams[0]!.error).toMatch(/request failed/);
    expect(refused.streams[0]!.ttfbMs).toBeNaN();

    await expect(runLoad({ url: `${fake.url}/ok`, requests: 1, concurrency: 0, body, expect: {} })).rejects.toThrow(RangeError);
    await expect(
      runLoad({
        url: `${fake.url}/ok`,
        requests: 3,
        concurrency: 1,
        body: (i) => {
          if (i === 1) throw new Error('bad body');
          return body(i);
        },
        expect: {},
      }),
    ).rejects.toThrow('bad body');
    await expect(runLoad({ url: `${fake.url}/ok`, requests: 1, concurrency: 1, body: () => '{}', expect: {} })).rejects.toThrow(TypeError);
  });
});
