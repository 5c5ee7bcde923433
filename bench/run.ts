import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult } from './load-client.js';
import { cpuTimeMs, RssSampler, rssBytes } from './proc-stats.js';
import { benchModelName, type BenchModel } from './shared/bench-model.js';
import { formatRatio, markdownTable, summarize } from './stats.js';

/**
 * `npm run bench`: the module's cost against a hand-written node:http AG-UI server, both
 * streaming from the same fake model, measured in turn within one run. CPU time comes from
 * /proc (the machine is shared, so CPU per event and ratios are the figures to quote).
 */

type ServerKind = 'module' | 'baseline';

interface Scenario {
  id: string;
  title: string;
  model: BenchModel;
  requests: number;
  concurrency: number;
  warmup: number;
  expect: { contentEvents: number; toolCall?: boolean };
}

interface Measurement {
  kind: ServerKind;
  requests: number;
  failed: number;
  events: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPer1000Events: number;
  cpuMsPerRequest: number;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  rssAfterBytes: number;
  ttfbMs: ReturnType<typeof summarize>;
  firstContentMs: ReturnType<typeof summarize>;
  totalMs: ReturnType<typeof summarize>;
  gapMs: ReturnType<typeof summarize>;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const SERVERS: Record<ServerKind, { entry: string; tag: string }> = {
  module: { entry: here('./module.server.js'), tag: 'MODULE' },
  baseline: { entry: here('./baseline.server.js'), tag: 'BASELINE' },
};
const quick = process.argv.includes('--quick');

const SCENARIOS: Scenario[] = [
  {
    id: 'S1',
    title: 'throughput: 200-token replies, no pacing, 16 concurrent',
    model: { tokens: 200, paceMs: 0, tool: false },
    requests: quick ? 48 : 320,
    concurrency: 16,
    warmup: 32,
    expect: { contentEvents: 200 },
  },
  {
    id: 'S2',
    title: 'tool round trip: a call in pieces, the backend tool, a 50-token reply, 16 concurrent',
    model: { tokens: 50, paceMs: 0, tool: true },
    requests: quick ? 48 : 240,
    concurrency: 16,
    warmup: 32,
    expect: { contentEvents: 50, toolCall: true },
  },
  {
    id: 'S3',
    title: `${quick ? 100 : 1000} streams open at once, 15 tokens paced at 2 s`,
    model: { tokens: 15, paceMs: 2_000, tool: false },
    requests: quick ? 100 : 1_000,
    concurrency: quick ? 100 : 1_000,
    warmup: 16,
    expect: { contentEvents: 15 },
  },
  {
    id: 'S4',
    title: 'idle latency: one request at a time, 20-token reply',
    model: { tokens: 20, paceMs: 0, tool: false },
    requests: quick ? 20 : 60,
    concurrency: 1,
    warmup: 10,
    expect: { contentEvents: 20 },
  },
];
// S1 again, to show how noisy the machine is.
SCENARIOS.push({ ...SCENARIOS[0]!, id: 'S1b', title: 'S1 repeated (noise)' });

async function startProcess(entry: string, tag: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, NODE_ENV: 'production', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tag} did not start:\n${output}`)), 20_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = new RegExp(`${tag}_READY (\\S+)`).exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', (chunk: Buffer) => {
      collect(chunk);
      process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${tag} exited with ${code}:\n${output}`));
    });
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await once(child, 'exit');
  clearTimeout(timer);
}

const bodyFor = (scenario: Scenario) => (index: number) =>
  JSON.stringify({
    threadId: `bench-${scenario.id}-${index}-${Math.random().toString(36).slice(2)}`,
    runId: `run-${index}`,
    messages: [{ id: `m-${index}`, role: 'user', content: scenario.model.tool ? 'What is the weather in Berlin?' : 'Tell me something.' }],
    tools: [],
    context: [],
    state: {},
  });

async function measure(kind: ServerKind, scenario: Scenario, fakeModelUrl: string): Promise<Measurement> {
  const { entry, tag } = SERVERS[kind];
  const { child, url } = await startProcess(entry, tag, { FAKE_MODEL_URL: fakeModelUrl, BENCH_MODEL: benchModelName(scenario.model) });
  try {
    const pid = child.pid!;
    const body = bodyFor(scenario);
    // Warm-up: the JIT and the connection pools settle before anything is counted.
    const warm = await runLoad({ url, requests: scenario.warmup, concurrency: Math.min(scenario.concurrency, 16), body, expect: scenario.expect });
    if (warm.failed) throw new Error(`${kind} failed ${warm.failed} warm-up streams: ${warm.streams.find((s) => !s.ok)?.error}`);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const rssBefore = rssBytes(pid);
    const cpuBefore = cpuTimeMs(pid);
    const sampler = new RssSampler(pid, 100);
    sampler.start();
    const load: LoadResult = await runLoad({ url, requests: scenario.requests, concurrency: scenario.concurrency, maxPendingHeaders: 64, body, expect: scenario.expect });
    const cpuMs = cpuTimeMs(pid) - cpuBefore;
    const rss = sampler.stop();
    const ok = load.streams.filter((stream) => stream.ok);
    return {
      kind,
      requests: scenario.requests,
      failed: load.failed,
      events: load.events,
      wallMs: load.wallMs,
      cpuMs,
      cpuMsPer1000Events: (cpuMs / Math.max(1, load.events)) * 1000,
      cpuMsPerRequest: cpuMs / scenario.requests,
      rssBeforeBytes: rssBefore,
      rssPeakBytes: rss.peakBytes,
      rssAfterBytes: rss.lastBytes,
      ttfbMs: summarize(ok.map((stream) => stream.ttfbMs)),
      firstContentMs: summarize(ok.map((stream) => stream.firstContentMs)),
      totalMs: summarize(ok.map((stream) => stream.totalMs)),
      gapMs: summarize(ok.flatMap((stream) => stream.gapsMs)),
    };
  } finally {
    await stop(child);
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');
const kib = (bytes: number) => (bytes / 1024).toFixed(0);

/** The figures worth quoting for each scenario: name, module value, baseline value. */
function figures(scenario: Scenario, m: Measurement, b: Measurement): Array<[string, number, number, (v: number) => string]> {
  const rows: Array<[string, number, number, (v: number) => string]> = [];
  const failed: [string, number, number, (v: number) => string] = ['failed streams', m.failed, b.failed, String];
  switch (scenario.id) {
    case 'S3': {
      const pace = scenario.model.paceMs;
      rows.push(['RSS per open stream (KiB)', (m.rssPeakBytes - m.rssBeforeBytes) / scenario.requests, (b.rssPeakBytes - b.rssBeforeBytes) / scenario.requests, kib]);
      rows.push(['peak RSS (MiB)', m.rssPeakBytes / 2 ** 20, b.rssPeakBytes / 2 ** 20, ms]);
      rows.push(['p99 gap − pacing (ms)', m.gapMs.p99 - pace, b.gapMs.p99 - pace, ms]);
      rows.push(['CPU ms per 1,000 events', m.cpuMsPer1000Events, b.cpuMsPer1000Events, ms]);
      break;
    }
    case 'S4':
      rows.push(['time to first byte p50 (ms)', m.ttfbMs.p50, b.ttfbMs.p50, ms]);
      rows.push(['time to first content p50 (ms)', m.firstContentMs.p50, b.firstContentMs.p50, ms]);
      rows.push(['total time p50 (ms)', m.totalMs.p50, b.totalMs.p50, ms]);
      rows.push(['CPU ms per request', m.cpuMsPerRequest, b.cpuMsPerRequest, ms]);
      break;
    default:
      rows.push(['CPU ms per 1,000 events', m.cpuMsPer1000Events, b.cpuMsPer1000Events, ms]);
      rows.push(['CPU ms per request', m.cpuMsPerRequest, b.cpuMsPerRequest, ms]);
      rows.push(['time to first content p50 (ms)', m.firstContentMs.p50, b.firstContentMs.p50, ms]);
      rows.push(['gap between content events p99 (ms)', m.gapMs.p99, b.gapMs.p99, ms]);
      rows.push(['peak RSS (MiB)', m.rssPeakBytes / 2 ** 20, b.rssPeakBytes / 2 ** 20, ms]);
      rows.push(['requests per second (noisy)', (m.requests / m.wallMs) * 1000, (b.requests / b.wallMs) * 1000, ms]);
  }
  rows.push(failed);
  return rows;
}

async function main(): Promise<void> {
  const started = Date.now();
  const fake = await startProcess(here('./fake-model.server.js'), 'FAKE_MODEL', {});
  const results: Array<{ scenario: Scenario; module: Measurement; baseline: Measurement }> = [];
  try {
    for (const scenario of SCENARIOS) {
      process.stdout.write(`${scenario.id} ${scenario.title} …`);
      // Alternating the order per scenario keeps slow drift of the machine from favouring one side.
      const order: ServerKind[] = results.length % 2 ? ['baseline', 'module'] : ['module', 'baseline'];
      const measured = {} as Record<ServerKind, Measurement>;
      for (const kind of order) measured[kind] = await measure(kind, scenario, fake.url);
      results.push({ scenario, module: measured.module, baseline: measured.baseline });
      process.stdout.write(` done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await stop(fake.child);
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
  const rows: Array<Array<string | number>> = [];
  for (const { scenario, module, baseline } of results) {
    for (const [name, m, b, format] of figures(scenario, module, baseline)) {
      rows.push([scenario.id, name, format(m), format(b), name === 'failed streams' ? '' : formatRatio(m, b)]);
    }
  }
  const table = markdownTable(['scenario', 'figure', 'module', 'baseline', 'module ÷ baseline'], rows);
  const scenarios = SCENARIOS.map((s) => `- **${s.id}** ${s.title} (${s.requests} streams)`).join('\n');
  const markdown = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? ' (quick run)' : ''}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n${scenarios}\n\n${table}\n`;
  process.stdout.write(`\n${markdown}`);

  const out = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const name = quick ? 'quick' : 'latest';
  writeFileSync(`${out}${name}.md`, markdown);
  writeFileSync(`${out}${name}.json`, JSON.stringify({ machine, date: new Date().toISOString(), quick, results }, null, 2));
  if (results.some(({ module, baseline }) => module.failed || baseline.failed)) {
    process.stderr.write('Some streams failed: the figures above are not comparable.\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
