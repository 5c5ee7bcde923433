/** Server-side figures read from /proc (Linux only). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10);
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

// Any read can race with a process exiting; that process simply no longer counts.
function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** pid and all its living descendants; [] when pid itself is gone. */
export function processTree(pid: number): number[] {
  const seen = new Set<number>();
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    seen.add(current);
    // children lists only the children forked by that one thread, so every thread must be asked.
    for (const task of tasks) {
      const children = readOrUndefined(`/proc/${current}/task/${task}/children`);
      if (!children) continue;
      for (const child of children.split(' ')) {
        const childPid = Number.parseInt(child, 10);
        if (childPid > 0 && !seen.has(childPid)) stack.push(childPid);
      }
    }
  }
  return [...seen];
}

/** utime+stime in ticks, or undefined when the process is gone. */
function cpuTicks(pid: number): number | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // comm (field 2) may hold spaces and parentheses; the fields after the last ')' start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/**
 * Time on CPU of the process's living threads in ns, from each thread's schedstat (exact, where
 * utime+stime come in 10 ms ticks); undefined when the kernel keeps no schedstat or pid is gone.
 */
function cpuNanos(pid: number): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const task of tasks) {
    const schedstat = readOrUndefined(`/proc/${pid}/task/${task}/schedstat`);
    if (schedstat === undefined) {
      // A thread that just exited is simply not counted; a kernel without schedstat has none at all.
      if (task === String(pid)) return undefined;
      continue;
    }
    total += Number(schedstat.slice(0, schedstat.indexOf(' ')));
  }
  return total;
}

/**
 * CPU time (user+system) used so far by the living process tree, in ms. Exited descendants (and
 * exited threads, where schedstat is read) are not counted: the bench's servers keep their threads.
 */
export function cpuTimeMs(pid: number): number {
  let ms = 0;
  for (const member of processTree(pid)) {
    const nanos = cpuNanos(member);
    ms += nanos !== undefined ? nanos / 1e6 : ((cpuTicks(member) ?? 0) * 1000) / clockTicksPerSecond();
  }
  return ms;
}

function vmRssBytes(pid: number): number {
  const status = readOrUndefined(`/proc/${pid}/status`);
  if (status === undefined) return 0;
  // Absent for zombies and kernel threads.
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resident set size summed over the process tree, in bytes (shared pages count once per process). */
export function rssBytes(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) total += vmRssBytes(member);
  return total;
}

export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakBytes = 0;
  private lastBytes = 0;
  private samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
  }

  start(): void {
    if (this.timer) return;
    this.peakBytes = 0;
    this.lastBytes = 0;
    this.samples = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Sampling must never be what keeps the bench process alive.
    this.timer.unref();
  }

  stop(): { peakBytes: number; lastBytes: number; samples: number } {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      // A last reading so a short run still sees its end state.
      this.sample();
    }
    return { peakBytes: this.peakBytes, lastBytes: this.lastBytes, samples: this.samples };
  }

  private sample(): void {
    const bytes = rssBytes(this.pid);
    // A tree that has exited reads 0: keep the last real figure.
    if (bytes === 0) return;
    this.lastBytes = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    this.samples++;
  }
}

/** The median of `samples` RSS readings `intervalMs` apart: the tree's size while a load holds steady. */
export async function steadyRssBytes(pid: number, samples = 10, intervalMs = 200): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const bytes = rssBytes(pid);
    if (bytes > 0) readings.push(bytes);
  }
  readings.sort((a, b) => a - b);
  return readings.length ? readings[Math.floor(readings.length / 2)]! : Number.NaN;
}
