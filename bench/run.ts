import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult } from './load-client.js';
import { cpuTimeMs, RssSampler, rssBytes, steadyRssBytes } from './proc-stats.js';
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
  /** All streams open at once: RSS is also read while every one of them is streaming. */
  allOpen?: boolean;
  /** Paired measurements to take (default CPU_ROUNDS). */
  rounds?: number;
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
  /** Median RSS while every stream was open (scenarios with allOpen), else NaN. */
  rssSteadyBytes: number;
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
/** `--only=S2,S3`: just those scenarios (written as a partial result, not as latest). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
/** CPU scenarios run this many rounds; the round with the median module ÷ baseline ratio is quoted. */
const CPU_ROUNDS = quick ? 1 : 3;
/**
 * Requests run before anything is counted. A Nest app has far more code than the baseline for
 * V8 to optimise: measured after 32 requests it costs 1.6-1.9x the baseline's CPU, after 400
 * it is at its steady state, which is what a server lives in.
 */
const WARMUP = quick ? 32 : 400;

const SCENARIOS: Scenario[] = [
  {
    id: 'S1',
    title: 'throughput: 200-token replies, no pacing, 16 concurrent',
    model: { tokens: 200, paceMs: 0, tool: false },
    requests: quick ? 48 : 480,
    concurrency: 16,
    warmup: WARMUP,
    expect: { contentEvents: 200 },
  },
  {
    id: 'S2',
    title: 'tool round trip: a call in pieces, the backend tool, a 50-token reply, 16 concurrent',
    model: { tokens: 50, paceMs: 0, tool: true },
    requests: quick ? 48 : 480,
    concurrency: 16,
    warmup: WARMUP,
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
    allOpen: true,
    // Memory and gaps are not what the noise spoils; one round of 1,000 streams is enough.
    rounds: 1,
  },
  {
    id: 'S4',
    title: 'idle latency: one request at a time, 20-token reply',
    model: { tokens: 20, paceMs: 0, tool: false },
    requests: quick ? 20 : 120,
    concurrency: 1,
    warmup: WARMUP / 2,
    expect: { contentEvents: 20 },
  },
];
// S1 again, to show how noisy the machine is: one round, as a single measurement would be.
SCENARIOS.push({ ...SCENARIOS[0]!, id: 'S1b', title: 'S1 repeated, one round (noise)', rounds: 1 });

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
    // As an AG-UI 1.0 client sends it (older clients get a slightly different answer from the module).
    protocolVersion: '1.0',
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
    // Once every stream has streamed its first token, all are open: read the steady size then.
    let streaming = 0;
    let steady: Promise<number> | undefined;
    const onFirstContent = scenario.allOpen
      ? () => {
          if (++streaming === scenario.requests) steady = steadyRssBytes(pid);
        }
      : undefined;
    const load: LoadResult = await runLoad({ url, requests: scenario.requests, concurrency: scenario.concurrency, maxPendingHeaders: 64, body, expect: scenario.expect, onFirstContent });
    const rssSteadyBytes = steady ? await steady : Number.NaN;
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
      rssSteadyBytes,
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
      const perStream = (x: Measurement, top: number) => (top - x.rssBeforeBytes) / scenario.requests;
      rows.push(['RSS per open stream, all streaming (KiB)', perStream(m, m.rssSteadyBytes), perStream(b, b.rssSteadyBytes), kib]);
      rows.push(['RSS growth per stream at the peak (KiB)', perStream(m, m.rssPeakBytes), perStream(b, b.rssPeakBytes), kib]);
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
  const results: Array<{ scenario: Scenario; module: Measurement; baseline: Measurement; ratios: number[] }> = [];
  const selected = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
  let pairs = 0;
  try {
    for (const scenario of selected) {
      process.stdout.write(`${scenario.id} ${scenario.title} …`);
      const rounds: Array<Record<ServerKind, Measurement>> = [];
      for (let round = 0; round < (scenario.rounds ?? CPU_ROUNDS); round++) {
        // Alternating the order keeps slow drift of the machine from favouring one side.
        const order: ServerKind[] = pairs++ % 2 ? ['baseline', 'module'] : ['module', 'baseline'];
        const measured = {} as Record<ServerKind, Measurement>;
        for (const kind of order) measured[kind] = await measure(kind, scenario, fake.url);
        rounds.push(measured);
      }
      // Each round is a pair measured back to back; the pair with the median CPU ratio is quoted.
      const ratio = (pair: Record<ServerKind, Measurement>) => pair.module.cpuMsPer1000Events / pair.baseline.cpuMsPer1000Events;
      rounds.sort((a, b) => ratio(a) - ratio(b));
      const median = rounds[Math.floor(rounds.length / 2)]!;
      results.push({ scenario, module: median.module, baseline: median.baseline, ratios: rounds.map(ratio) });
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
  const scenarios = selected.map((s) => `- **${s.id}** ${s.title} (${s.requests} streams)`).join('\n');
  const spreads = results
    .filter(({ ratios }) => ratios.length > 1)
    .map(({ scenario, ratios }) => `- ${scenario.id}: CPU per 1,000 events, module ÷ baseline in each of ${ratios.length} rounds: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')} (the median round is quoted)`)
    .join('\n');
  const markdown = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? ' (quick run)' : ''}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n${scenarios}\n\n${table}\n${spreads ? `\n${spreads}\n` : ''}`;
  process.stdout.write(`\n${markdown}`);

  const out = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const name = quick || only ? 'quick' : 'latest';
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
