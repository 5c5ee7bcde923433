import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult, type StreamResult } from './load-client.js';
import { cpuTimeMs, RssSampler, rssBytes, steadyRssBytes } from './proc-stats.js';
import { benchModelName, type BenchModel } from './shared/bench-model.js';
import { formatRatio, markdownTable, percentile, summarize } from './stats.js';

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
  /** Streams per server in each round. */
  requests: number;
  concurrency: number;
  warmup: number;
  expect: { contentEvents: number; toolCall?: boolean };
  /** All streams open at once: RSS is also read while every one of them is streaming. */
  allOpen?: boolean;
  /** Rounds (a round measures each server once, back to back); default CPU_ROUNDS. */
  rounds?: number;
}

/** One server's share of one round. */
interface RoundResult {
  failed: number;
  events: number;
  cpuMs: number;
  wallMs: number;
  streams: StreamResult[];
}

/** One server over all rounds of a scenario. */
interface Measurement {
  kind: ServerKind;
  requests: number;
  failed: number;
  events: number;
  wallMs: number;
  cpuMs: number;
  /** Median over the rounds. */
  cpuMsPer1000Events: number;
  /** Median over the rounds. */
  cpuMsPerRequest: number;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  /** Median RSS while every stream was open (scenarios with allOpen), else NaN. */
  rssSteadyBytes: number;
  ttfbMs: ReturnType<typeof summarize>;
  firstContentMs: ReturnType<typeof summarize>;
  totalMs: ReturnType<typeof summarize>;
  gapMs: ReturnType<typeof summarize>;
}

interface ScenarioResult {
  scenario: Scenario;
  module: Measurement;
  baseline: Measurement;
  /** CPU per 1,000 events, module ÷ baseline, of each round in the order run. */
  ratios: number[];
  /** The median of `ratios`: the CPU figure quoted. */
  cpuRatio: number;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const SERVERS: Record<ServerKind, { entry: string; tag: string }> = {
  module: { entry: here('./module.server.js'), tag: 'MODULE' },
  baseline: { entry: here('./baseline.server.js'), tag: 'BASELINE' },
};
const quick = process.argv.includes('--quick');
/** `--only=S2,S3`: just those scenarios (written as a partial result, not as latest). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
/**
 * Both servers stay up through a scenario and take turns in many short rounds, and the median
 * of the rounds' paired ratios is quoted. On a shared machine the speed of the CPU drifts by
 * tens of percent within seconds: a long measurement of one server, then one of the other,
 * compares two different machines, while short turns see the same one.
 */
const CPU_ROUNDS = quick ? 3 : 21;
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
    requests: quick ? 16 : 96,
    concurrency: 16,
    warmup: WARMUP,
    expect: { contentEvents: 200 },
  },
  {
    id: 'S2',
    title: 'tool round trip: a call in pieces, the backend tool, a 50-token reply, 16 concurrent',
    model: { tokens: 50, paceMs: 0, tool: true },
    requests: quick ? 16 : 96,
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
    requests: quick ? 8 : 32,
    concurrency: 1,
    warmup: WARMUP / 2,
    expect: { contentEvents: 20 },
  },
];
// S1 again: how far apart two measurements of the same code land is the noise left in the method.
SCENARIOS.push({ ...SCENARIOS[0]!, id: 'S1b', title: 'S1 repeated (how well the method repeats)' });

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

interface Running {
  kind: ServerKind;
  child: ChildProcess;
  url: string;
}

async function startServer(kind: ServerKind, scenario: Scenario, fakeModelUrl: string): Promise<Running> {
  const { entry, tag } = SERVERS[kind];
  const { child, url } = await startProcess(entry, tag, { FAKE_MODEL_URL: fakeModelUrl, BENCH_MODEL: benchModelName(scenario.model) });
  return { kind, child, url };
}

/** The JIT and the connection pools settle before anything is counted. */
async function warmUp(server: Running, scenario: Scenario): Promise<void> {
  const warm = await runLoad({ url: server.url, requests: scenario.warmup, concurrency: Math.min(scenario.concurrency, 16), body: bodyFor(scenario), expect: scenario.expect });
  if (warm.failed) throw new Error(`${server.kind} failed ${warm.failed} warm-up streams: ${warm.streams.find((s) => !s.ok)?.error}`);
}

/** One server's turn in a round: `scenario.requests` streams, its CPU read before and after. */
async function runRound(server: Running, scenario: Scenario, onFirstContent?: () => void): Promise<RoundResult> {
  const pid = server.child.pid!;
  const cpuBefore = cpuTimeMs(pid);
  const load: LoadResult = await runLoad({
    url: server.url,
    requests: scenario.requests,
    concurrency: scenario.concurrency,
    maxPendingHeaders: 64,
    body: bodyFor(scenario),
    expect: scenario.expect,
    onFirstContent,
  });
  return { failed: load.failed, events: load.events, cpuMs: cpuTimeMs(pid) - cpuBefore, wallMs: load.wallMs, streams: load.streams };
}

const median = (values: readonly number[]) => percentile(values, 50);
const cpuPer1000Events = (round: RoundResult) => (round.cpuMs / Math.max(1, round.events)) * 1000;

function combine(kind: ServerKind, scenario: Scenario, rounds: RoundResult[], rss: { before: number; peak: number; steady: number }): Measurement {
  const ok = rounds.flatMap((round) => round.streams.filter((stream) => stream.ok));
  const sum = (pick: (round: RoundResult) => number) => rounds.reduce((total, round) => total + pick(round), 0);
  return {
    kind,
    requests: scenario.requests * rounds.length,
    failed: sum((round) => round.failed),
    events: sum((round) => round.events),
    wallMs: sum((round) => round.wallMs),
    cpuMs: sum((round) => round.cpuMs),
    cpuMsPer1000Events: median(rounds.map(cpuPer1000Events)),
    cpuMsPerRequest: median(rounds.map((round) => round.cpuMs / scenario.requests)),
    rssBeforeBytes: rss.before,
    rssPeakBytes: rss.peak,
    rssSteadyBytes: rss.steady,
    ttfbMs: summarize(ok.map((stream) => stream.ttfbMs)),
    firstContentMs: summarize(ok.map((stream) => stream.firstContentMs)),
    totalMs: summarize(ok.map((stream) => stream.totalMs)),
    gapMs: summarize(ok.flatMap((stream) => stream.gapsMs)),
  };
}

/**
 * Both servers up, each warmed, then `rounds` rounds in which each takes one turn, the order
 * alternating so that neither always runs on a machine just warmed (or slowed) by the other.
 */
async function measureScenario(scenario: Scenario, fakeModelUrl: string, firstKind: ServerKind): Promise<ScenarioResult> {
  const kinds: ServerKind[] = firstKind === 'module' ? ['module', 'baseline'] : ['baseline', 'module'];
  const servers = {} as Record<ServerKind, Running>;
  try {
    for (const kind of kinds) servers[kind] = await startServer(kind, scenario, fakeModelUrl);
    // Side by side: nothing is counted yet, and S3's paced warm-up takes 30 s.
    await Promise.all(kinds.map((kind) => warmUp(servers[kind], scenario)));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const rounds: Record<ServerKind, RoundResult[]> = { module: [], baseline: [] };
    const rss = {} as Record<ServerKind, { before: number; peak: number; steady: number }>;
    for (const kind of kinds) rss[kind] = { before: rssBytes(servers[kind].child.pid!), peak: 0, steady: Number.NaN };
    const total = scenario.rounds ?? CPU_ROUNDS;
    for (let round = 0; round < total; round++) {
      for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
        const pid = servers[kind].child.pid!;
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
        rounds[kind].push(await runRound(servers[kind], scenario, onFirstContent));
        if (steady) rss[kind].steady = await steady;
        rss[kind].peak = Math.max(rss[kind].peak, sampler.stop().peakBytes);
      }
    }
    const ratios = rounds.module.map((round, index) => cpuPer1000Events(round) / cpuPer1000Events(rounds.baseline[index]!));
    return {
      scenario,
      module: combine('module', scenario, rounds.module, rss.module),
      baseline: combine('baseline', scenario, rounds.baseline, rss.baseline),
      ratios,
      cpuRatio: median(ratios),
    };
  } finally {
    await Promise.all(Object.values(servers).map((server) => stop(server.child)));
  }
}

const CPU_PER_EVENTS = 'CPU ms per 1,000 events';
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');
const kib = (bytes: number) => (bytes / 1024).toFixed(0);

type Figure = [name: string, module: number, baseline: number, format: (value: number) => string, ratio?: number];

/** The figures worth quoting for each scenario; CPU per event carries the median of the rounds' paired ratios. */
function figures({ scenario, module: m, baseline: b, cpuRatio }: ScenarioResult): Figure[] {
  const rows: Figure[] = [];
  const failed: Figure = ['failed streams', m.failed, b.failed, String];
  switch (scenario.id) {
    case 'S3': {
      const pace = scenario.model.paceMs;
      const perStream = (x: Measurement, top: number) => (top - x.rssBeforeBytes) / scenario.requests;
      rows.push(['RSS per open stream, all streaming (KiB)', perStream(m, m.rssSteadyBytes), perStream(b, b.rssSteadyBytes), kib]);
      rows.push(['RSS growth per stream at the peak (KiB)', perStream(m, m.rssPeakBytes), perStream(b, b.rssPeakBytes), kib]);
      rows.push(['peak RSS (MiB)', m.rssPeakBytes / 2 ** 20, b.rssPeakBytes / 2 ** 20, ms]);
      rows.push(['p99 gap − pacing (ms)', m.gapMs.p99 - pace, b.gapMs.p99 - pace, ms]);
      rows.push([CPU_PER_EVENTS, m.cpuMsPer1000Events, b.cpuMsPer1000Events, ms, cpuRatio]);
      break;
    }
    case 'S4':
      rows.push(['time to first byte p50 (ms)', m.ttfbMs.p50, b.ttfbMs.p50, ms]);
      rows.push(['time to first content p50 (ms)', m.firstContentMs.p50, b.firstContentMs.p50, ms]);
      rows.push(['total time p50 (ms)', m.totalMs.p50, b.totalMs.p50, ms]);
      // Both serve the same events per request, so the per-event ratio is the per-request one.
      rows.push(['CPU ms per request', m.cpuMsPerRequest, b.cpuMsPerRequest, ms, cpuRatio]);
      break;
    default:
      rows.push([CPU_PER_EVENTS, m.cpuMsPer1000Events, b.cpuMsPer1000Events, ms, cpuRatio]);
      rows.push(['CPU ms per request', m.cpuMsPerRequest, b.cpuMsPerRequest, ms, cpuRatio]);
      rows.push(['time to first content p50 (ms)', m.firstContentMs.p50, b.firstContentMs.p50, ms]);
      rows.push(['gap between content events p99 (ms)', m.gapMs.p99, b.gapMs.p99, ms]);
      rows.push(['peak RSS (MiB)', m.rssPeakBytes / 2 ** 20, b.rssPeakBytes / 2 ** 20, ms]);
      rows.push(['requests per second (noisy)', (m.requests / m.wallMs) * 1000, (b.requests / b.wallMs) * 1000, ms]);
  }
  rows.push(failed);
  return rows;
}

/** "p25 1.08x, median 1.13x, p75 1.20x (0.90x-1.41x)": how the paired ratios of the rounds spread. */
function spreadOf(ratios: readonly number[]): string {
  const x = (value: number) => `${value.toFixed(2)}x`;
  return `p25 ${x(percentile(ratios, 25))}, median ${x(percentile(ratios, 50))}, p75 ${x(percentile(ratios, 75))} (all within ${x(Math.min(...ratios))}-${x(Math.max(...ratios))})`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const fake = await startProcess(here('./fake-model.server.js'), 'FAKE_MODEL', {});
  const results: ScenarioResult[] = [];
  const selected = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
  try {
    for (const [index, scenario] of selected.entries()) {
      process.stdout.write(`${scenario.id} ${scenario.title} …`);
      results.push(await measureScenario(scenario, fake.url, index % 2 ? 'baseline' : 'module'));
      process.stdout.write(` done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await stop(fake.child);
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
  const rows: Array<Array<string | number>> = [];
  for (const result of results) {
    for (const [name, m, b, format, ratio] of figures(result)) {
      rows.push([result.scenario.id, name, format(m), format(b), name === 'failed streams' ? '' : ratio !== undefined ? `${ratio.toFixed(2)}x` : formatRatio(m, b)]);
    }
  }
  const table = markdownTable(['scenario', 'figure', 'module', 'baseline', 'module ÷ baseline'], rows);
  const scenarios = selected
    .map((s) => {
      const rounds = s.rounds ?? CPU_ROUNDS;
      return `- **${s.id}** ${s.title} (${rounds > 1 ? `${rounds} rounds of ${s.requests} streams per server` : `${s.requests} streams`})`;
    })
    .join('\n');
  const spreads = results
    .filter(({ ratios }) => ratios.length > 1)
    .map(({ scenario, ratios }) => `- ${scenario.id}: ${spreadOf(ratios)}`)
    .join('\n');
  const note = spreads
    ? `\nCPU rows: each server's median over the rounds; the ratio is the median of the rounds' own ratios (each round measures both servers back to back). How those ratios spread:\n\n${spreads}\n`
    : '';
  const markdown = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? ' (quick run)' : ''}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n${scenarios}\n\n${table}\n${note}`;
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
