import { Inject, Injectable } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import { ServerBusyError, TooManyRunsError } from '../errors/ag-ui.error.js';
import { RUN_SLOTS_STORE, type RunSlotsStore } from '../stores/run-slots.store.js';

export const DEFAULT_MAX_CONCURRENT_RUNS = 4;
export const DEFAULT_MAX_OPEN_STREAMS = 10_000;
/** What a refused client is told to wait: runs are short, and a client retrying sooner only costs a request. */
const RETRY_AFTER_SECONDS = 1;

/** Gives a run back its admission; safe to call more than once. */
export type AdmissionRelease = () => void;

/**
 * Lets a run in or refuses it before its stream opens: open streams per instance (a number
 * here, since it is this process's sockets) and open runs per principal (through the
 * RunSlotsStore, so a shared store bounds a principal across instances).
 */
@Injectable()
export class RunAdmission {
  private open = 0;
  private readonly maxOpenStreams: number;
  private readonly maxConcurrentRuns: number;

  constructor(
    @Inject(RUN_SLOTS_STORE) private readonly slots: RunSlotsStore,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.maxOpenStreams = options.maxOpenStreams ?? DEFAULT_MAX_OPEN_STREAMS;
    this.maxConcurrentRuns = options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS;
  }

  /** Streams open on this instance now. */
  get openStreams(): number {
    return this.open;
  }

  /** Takes a stream and, for a known principal, one of its run slots; throws ServerBusyError or TooManyRunsError. */
  async admit(principal: string | undefined): Promise<AdmissionRelease> {
    if (this.open >= this.maxOpenStreams) throw new ServerBusyError(RETRY_AFTER_SECONDS);
    // Counted before the await, so runs racing through the store cannot all pass the check above.
    this.open++;
    let lease: string | undefined;
    try {
      if (principal !== undefined) {
        lease = await this.slots.acquire(principal, this.maxConcurrentRuns);
        if (lease === undefined) throw new TooManyRunsError(this.maxConcurrentRuns, RETRY_AFTER_SECONDS);
      }
    } catch (error) {
      this.open--;
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      // A store that fails to release loses nothing here; a shared store's lease expiry returns the slot.
      if (lease !== undefined) this.slots.release(principal!, lease).catch(() => undefined);
    };
  }
}
