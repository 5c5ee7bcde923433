import { Injectable } from '@nestjs/common';

/** A plain copy of the counters, e.g. for a health endpoint or a Prometheus collector. */
export interface AgUiMetricsSnapshot {
  abandonedToolCalls: number;
  abandonedToolCallsRunning: number;
  slowClientsCutOff: number;
}

/**
 * Counters an operator reads to see work the module gave up on: `app.get(AgUiMetrics)`, or
 * inject it. Per process; they only count what happened in this instance since it started.
 */
@Injectable()
export class AgUiMetrics {
  #abandonedToolCalls = 0;
  #abandonedToolCallsRunning = 0;
  #slowClientsCutOff = 0;

  /**
   * Tool calls that had not settled `toolAbortGraceMs` after they were stopped (their run
   * aborted, or their own time limit passed). Only grows.
   */
  get abandonedToolCalls(): number {
    return this.#abandonedToolCalls;
  }

  /** Of the abandoned tool calls, those still running now: each still holds whatever the tool holds. */
  get abandonedToolCallsRunning(): number {
    return this.#abandonedToolCallsRunning;
  }

  /** Streams cut off because their client read nothing for `writeTimeoutMs` while the socket was full. Only grows. */
  get slowClientsCutOff(): number {
    return this.#slowClientsCutOff;
  }

  snapshot(): AgUiMetricsSnapshot {
    return {
      abandonedToolCalls: this.#abandonedToolCalls,
      abandonedToolCallsRunning: this.#abandonedToolCallsRunning,
      slowClientsCutOff: this.#slowClientsCutOff,
    };
  }

  /** @internal A stopped tool call outlived its grace period. */
  toolCallAbandoned(): void {
    this.#abandonedToolCalls++;
    this.#abandonedToolCallsRunning++;
  }

  /** @internal An abandoned tool call settled at last. */
  abandonedToolCallSettled(): void {
    this.#abandonedToolCallsRunning--;
  }

  /** @internal A stream was cut off for not reading. */
  slowClientCutOff(): void {
    this.#slowClientsCutOff++;
  }
}
