/**
 * One timer pings every open SSE stream, instead of a timer per stream: at a thousand open
 * streams that is a thousand timers fewer to create, hold and clear. A stream's first ping
 * comes one to two intervals after it opened; a ping is only a comment that keeps proxies
 * from closing a quiet connection, so the exact moment does not matter.
 */
export class KeepAliveTicker {
  /** Pinged at every tick. */
  private readonly pinged = new Set<() => void>();
  /** Opened since the last tick: pinged from the next one on. */
  private readonly joining = new Set<() => void>();
  private timer?: NodeJS.Timeout;

  /** 0 or less: no pings at all. */
  constructor(readonly intervalMs: number) {}

  /** Pings with `ping` until the returned function is called. */
  add(ping: () => void): () => void {
    if (!(this.intervalMs > 0)) return noop;
    this.joining.add(ping);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      // Pings never keep the process alive on their own.
      this.timer.unref();
    }
    return () => {
      this.pinged.delete(ping);
      this.joining.delete(ping);
    };
  }

  private tick(): void {
    for (const ping of this.pinged) ping();
    for (const ping of this.joining) this.pinged.add(ping);
    this.joining.clear();
    // Idle for a whole interval: the timer stops until the next stream opens.
    if (!this.pinged.size) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const noop = () => undefined;
