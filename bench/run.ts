import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
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
 * streaming from the same fake model, measured in turn within one run, with a third server
 * (the Nest floor) that shows which part of the cost is Nest's own, and the same module app on
 * Fastify beside the Express one. CPU time comes from /proc
 * (the machine is shared, so CPU per event and ratios are the figures to quote).
 */

/** The module's app (on Express, and on Fastify); a bare Nest app serving the baseline's handler (Nest's own share); the hand-written baseline. */
type ServerKind = 'module' | 'fastify' | 'floor' | 'baseline';

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
  /** Also measure the Nest floor and the module on Fastify (not in S3, which measures memory and gaps, not CPU). */
  floor: boolean;
  /**
   * One request at a time, the servers taking turns request by request rather than round by
   * round: a latency figure is spoilt by a burst on the machine that one server's turn caught.
   */
  interleaved?: boolean;
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

/** One server's figures against the baseline's, taken round by round. */
interface PairedRatios {
  /** CPU per 1,000 events, this server ÷ baseline, of each round in the order run. */
  cpu: number[];
  /** The median of `cpu`: the CPU figure quoted. */
  cpuRatio: number;
  /** The median of the rounds' ratios of time to first content (p50 of each round). */
  firstContentRatio: number;
}

interface ScenarioResult {
  scenario: Scenario;
  module: Measurement;
  baseline: Measurement;
  floor?: Measurement;
  fastify?: Measurement;
  vsBaseline: { module: PairedRatios; floor?: PairedRatios; fastify?: PairedRatios };
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const SERVERS: Record<ServerKind, { entry: string; tag: string }> = {
  module: { entry: here('./module.server.js'), tag: 'MODULE' },
  fastify: { entry: here('./module-fastify.server.js'), tag: 'MODULE_FASTIFY' },
  floor: { entry: here('./nest-floor.server.js'), tag: 'NEST_FLOOR' },
  baseline: { entry: here('./baseline.server.js'), tag: 'BASELINE' },
};
const quick = process.argv.includes('--quick');
/** `--only=S2,S3`: just those scenarios (written as a partial result, not as latest). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
/**
 * The servers stay up through a scenario and take turns in many short rounds, and the median
 * of the rounds' paired ratios is quoted. On a shared machine the speed of the CPU drifts by
 * tens of percent within seconds: a long measurement of one server, then one of the other,
 * compares two different machines, while short turns see the same one.
 */
const CPU_ROUNDS = quick ? 3 : 42;
/**
 * Requests run before anything is counted. A Nest app has far more code than the baseline for
 * V8 to optimise: measured after 32 requests it costs 1.6-1.9x the baseline's CPU, after 400
 * it is at its steady state, which is what a server lives in.
 */
const WARMUP = quick ? 32 : 400;
/**
 * Processes per server in the multi-round scenarios, taking the rounds in turn. Two processes of
 * the same server differ by a few percent for as long as they live (where the JIT put things),
 * which the median over rounds does not remove; two of each halve that luck's weight.
 */
const INSTANCES = quick ? 1 : 2;

const SCENARIOS: Scenario[] = [
  {
    id: 'S1',
    title: 'throughput: 200-token replies, no pacing, 16 concurrent',
    model: { tokens: 200, paceMs: 0, tool: false },
    requests: quick ? 16 : 48,
    concurrency: 16,
    warmup: WARMUP,
    expect: { contentEvents: 200 },
    floor: true,
  },
  {
    id: 'S2',
    title: 'tool round trip: a call in pieces, the backend tool, a 50-token reply, 16 concurrent',
    model: { tokens: 50, paceMs: 0, tool: true },
    requests: quick ? 16 : 48,
    concurrency: 16,
    warmup: WARMUP,
    expect: { contentEvents: 50, toolCall: true },
    floor: true,
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
    floor: false,
  },
  {
    id: 'S4',
    title: 'idle latency: one request at a time, 20-token reply',
    model: { tokens: 20, paceMs: 0, tool: false },
    requests: quick ? 8 : 16,
    concurrency: 1,
    warmup: WARMUP / 2,
    expect: { contentEvents: 20 },
    floor: true,
    interleaved: true,
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

/**
 * One round of an interleaved scenario: request i goes to every server in turn (the first one
 * rotating with i), one at a time, each server over its own kept-alive connection. CPU is read
 * per server around the whole round: between its requests a server is idle.
 */
async function runInterleavedRound(servers: Running[], scenario: Scenario, agents: Map<Running, Agent>): Promise<RoundResult[]> {
  const cpuBefore = servers.map((server) => cpuTimeMs(server.child.pid!));
  const results = servers.map((): RoundResult => ({ failed: 0, events: 0, cpuMs: 0, wallMs: 0, streams: [] }));
  const body = bodyFor(scenario);
  for (let index = 0; index < scenario.requests; index++) {
    for (let turn = 0; turn < servers.length; turn++) {
      const which = (index + turn) % servers.length;
      const server = servers[which]!;
      const load = await runLoad({ url: server.url, requests: 1, concurrency: 1, body: () => body(index), expect: scenario.expect, agent: agents.get(server)! });
      const result = results[which]!;
      result.failed += load.failed;
      result.events += load.events;
      result.wallMs += load.wallMs;
      result.streams.push(...load.streams);
    }
  }
  servers.forEach((server, which) => (results[which]!.cpuMs = cpuTimeMs(server.child.pid!) - cpuBefore[which]!));
  return results;
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

/** A round's p50 time to first content. */
const firstContentP50 = (round: RoundResult) => percentile(round.streams.filter((stream) => stream.ok).map((stream) => stream.firstContentMs), 50);

/** `server`'s rounds against the baseline's, paired round by round. */
function pairedRatios(server: RoundResult[], baseline: RoundResult[]): PairedRatios {
  const cpu = server.map((round, index) => cpuPer1000Events(round) / cpuPer1000Events(baseline[index]!));
  const firstContent = server.map((round, index) => firstContentP50(round) / firstContentP50(baseline[index]!));
  return { cpu, cpuRatio: median(cpu), firstContentRatio: median(firstContent) };
}

/**
 * Every server up, each warmed, then `rounds` rounds in which each takes one turn. The order
 * rotates, so that no server always runs on a machine just warmed (or slowed) by another.
 */
async function measureScenario(scenario: Scenario, fakeModelUrl: string, offset: number): Promise<ScenarioResult> {
  const kinds: ServerKind[] = scenario.floor ? ['module', 'fastify', 'floor', 'baseline'] : ['module', 'baseline'];
  const total = scenario.rounds ?? CPU_ROUNDS;
  const instances = total > 1 ? INSTANCES : 1;
  const servers = {} as Record<ServerKind, Running[]>;
  const all = () => Object.values(servers).flat();
  const agents = new Map<Running, Agent>();
  try {
    for (const kind of kinds) {
      servers[kind] = [];
      for (let index = 0; index < instances; index++) servers[kind].push(await startServer(kind, scenario, fakeModelUrl));
    }
    // Side by side: nothing is counted yet, and S3's paced warm-up takes 30 s.
    await Promise.all(all().map((server) => warmUp(server, scenario)));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const rounds: Record<ServerKind, RoundResult[]> = { module: [], fastify: [], floor: [], baseline: [] };
    const rss = {} as Record<ServerKind, { before: number; peak: number; steady: number }>;
    for (const kind of kinds) rss[kind] = { before: rssBytes(servers[kind][0]!.child.pid!), peak: 0, steady: Number.NaN };
    for (const server of all()) agents.set(server, new Agent({ keepAlive: true }));
    for (let round = 0; round < total; round++) {
      if (scenario.interleaved) {
        const turn = kinds.map((kind) => servers[kind][round % instances]!);
        const results = await runInterleavedRound(turn, scenario, agents);
        kinds.forEach((kind, which) => rounds[kind].push(results[which]!));
        continue;
      }
      const first = (round + offset) % kinds.length;
      for (const kind of [...kinds.slice(first), ...kinds.slice(0, first)]) {
        const server = servers[kind][round % instances]!;
        const pid = server.child.pid!;
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
        rounds[kind].push(await runRound(server, scenario, onFirstContent));
        if (steady) rss[kind].steady = await steady;
        rss[kind].peak = Math.max(rss[kind].peak, sampler.stop().peakBytes);
      }
    }
    return {
      scenario,
      module: combine('module', scenario, rounds.module, rss.module),
      baseline: combine('baseline', scenario, rounds.baseline, rss.baseline),
      ...(scenario.floor ? { floor: combine('floor', scenario, rounds.floor, rss.floor), fastify: combine('fastify', scenario, rounds.fastify, rss.fastify) } : {}),
      vsBaseline: {
        module: pairedRatios(rounds.module, rounds.baseline),
        ...(scenario.floor ? { floor: pairedRatios(rounds.floor, rounds.baseline), fastify: pairedRatios(rounds.fastify, rounds.baseline) } : {}),
      },
    };
  } finally {
    for (const agent of agents.values()) agent.destroy();
    await Promise.all(all().map((server) => stop(server.child)));
  }
}

const CPU_PER_EVENTS = 'CPU ms per 1,000 events';
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');
const kib = (bytes: number) => (bytes / 1024).toFixed(0);

interface Figure {
  name: string;
  module: number;
  fastify?: number;
  floor?: number;
  baseline: number;
  format: (value: number) => string;
  /** Ratios to the baseline from paired rounds; without them, the ratio of the figures. */
  ratio?: number;
  fastifyRatio?: number;
  floorRatio?: number;
}

/** The figures worth quoting for each scenario; CPU and time to first content carry the median of the rounds' paired ratios. */
function figures({ scenario, module: m, fastify: fy, floor: f, baseline: b, vsBaseline }: ScenarioResult): Figure[] {
  const rows: Figure[] = [];
  const row = (name: string, pick: (x: Measurement) => number, format: (value: number) => string, paired?: (ratios: PairedRatios) => number) =>
    rows.push({
      name,
      module: pick(m),
      baseline: pick(b),
      format,
      ...(f ? { floor: pick(f) } : {}),
      ...(fy ? { fastify: pick(fy) } : {}),
      ...(paired ? { ratio: paired(vsBaseline.module) } : {}),
      ...(paired && vsBaseline.fastify ? { fastifyRatio: paired(vsBaseline.fastify) } : {}),
      ...(paired && vsBaseline.floor ? { floorRatio: paired(vsBaseline.floor) } : {}),
    });
  const cpu = (ratios: PairedRatios) => ratios.cpuRatio;
  const firstContent = (ratios: PairedRatios) => ratios.firstContentRatio;
  switch (scenario.id) {
    case 'S3': {
      const pace = scenario.model.paceMs;
      const perStream = (top: (x: Measurement) => number) => (x: Measurement) => (top(x) - x.rssBeforeBytes) / scenario.requests;
      row('RSS per open stream, all streaming (KiB)', perStream((x) => x.rssSteadyBytes), kib);
      row('RSS growth per stream at the peak (KiB)', perStream((x) => x.rssPeakBytes), kib);
      row('peak RSS (MiB)', (x) => x.rssPeakBytes / 2 ** 20, ms);
      row('p99 gap − pacing (ms)', (x) => x.gapMs.p99 - pace, ms);
      row(CPU_PER_EVENTS, (x) => x.cpuMsPer1000Events, ms, cpu);
      break;
    }
    case 'S4':
      row('time to first byte p50 (ms)', (x) => x.ttfbMs.p50, ms);
      row('time to first content p50 (ms)', (x) => x.firstContentMs.p50, ms, firstContent);
      row('total time p50 (ms)', (x) => x.totalMs.p50, ms);
      // Both serve the same events per request, so the per-event ratio is the per-request one.
      row('CPU ms per request', (x) => x.cpuMsPerRequest, ms, cpu);
      break;
    default:
      row(CPU_PER_EVENTS, (x) => x.cpuMsPer1000Events, ms, cpu);
      row('CPU ms per request', (x) => x.cpuMsPerRequest, ms, cpu);
      row('time to first content p50 (ms)', (x) => x.firstContentMs.p50, ms, firstContent);
      row('gap between content events p99 (ms)', (x) => x.gapMs.p99, ms);
      row('peak RSS (MiB)', (x) => x.rssPeakBytes / 2 ** 20, ms);
      row('requests per second (noisy)', (x) => (x.requests / x.wallMs) * 1000, ms);
  }
  row('failed streams', (x) => x.failed, String);
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
      results.push(await measureScenario(scenario, fake.url, index));
      process.stdout.write(` done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await stop(fake.child);
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
  const rows: Array<Array<string | number>> = [];
  for (const result of results) {
    for (const { name, module, fastify, floor, baseline, format, ratio, fastifyRatio, floorRatio } of figures(result)) {
      const failedRow = name === 'failed streams';
      const ratioCell = (value: number, paired: number | undefined) => (failedRow ? '' : paired !== undefined ? `${paired.toFixed(2)}x` : formatRatio(value, baseline));
      rows.push([
        result.scenario.id,
        name,
        format(module),
        fastify === undefined ? '' : format(fastify),
        floor === undefined ? '' : format(floor),
        format(baseline),
        ratioCell(module, ratio),
        fastify === undefined ? '' : ratioCell(fastify, fastifyRatio),
        floor === undefined ? '' : ratioCell(floor, floorRatio),
      ]);
    }
  }
  const table = markdownTable(
    ['scenario', 'figure', 'module', 'module on Fastify', 'Nest floor', 'baseline', 'module ÷ baseline', 'Fastify ÷ baseline', 'Nest floor ÷ baseline'],
    rows,
  );
  const scenarios = selected
    .map((s) => {
      const rounds = s.rounds ?? CPU_ROUNDS;
      return `- **${s.id}** ${s.title} (${rounds > 1 ? `${rounds} rounds of ${s.requests} streams per server${s.interleaved ? ', the servers taking turns request by request' : ''}${INSTANCES > 1 ? `, the rounds taken in turn by ${INSTANCES} processes of each` : ''}` : `${s.requests} streams`})`;
    })
    .join('\n');
  const spreads = results
    .filter(({ vsBaseline }) => vsBaseline.module.cpu.length > 1)
    .map(
      ({ scenario, vsBaseline: { module, fastify, floor } }) =>
        `- ${scenario.id}: module ${spreadOf(module.cpu)}${fastify ? `; module on Fastify ${spreadOf(fastify.cpu)}` : ''}${floor ? `; Nest floor ${spreadOf(floor.cpu)}` : ''}`,
    )
    .join('\n');
  const note = spreads
    ? `\nThe module runs on Express (\`module\`) and, the same app on Nest's FastifyAdapter, on Fastify. The Nest floor is a bare Nest app (Express) serving the baseline's own handler: what any Nest app pays, with nothing of this module. CPU rows: each server's median over the rounds; the ratio is the median of the rounds' own ratios (each round measures every server back to back; in S4 the servers take turns request by request), and so is the ratio of time to first content. How the CPU ratios spread:\n\n${spreads}\n`
    : '';
  const markdown = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${quick ? ' (quick run)' : ''}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n${scenarios}\n\n${table}\n${note}`;
  process.stdout.write(`\n${markdown}`);

  const out = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const name = quick || only ? 'quick' : 'latest';
  writeFileSync(`${out}${name}.md`, markdown);
  writeFileSync(`${out}${name}.json`, JSON.stringify({ machine, date: new Date().toISOString(), quick, results }, null, 2));
  if (results.some(({ module, fastify, floor, baseline }) => module.failed || fastify?.failed || floor?.failed || baseline.failed)) {
    process.stderr.write('Some streams failed: the figures above are not comparable.\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
