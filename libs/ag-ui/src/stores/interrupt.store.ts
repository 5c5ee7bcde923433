import type { PendingInterrupt } from '../interrupts/pending-interrupt.js';

export const INTERRUPT_STORE = Symbol('AG_UI_INTERRUPT_STORE');

/**
 * Pending interrupts per thread. They outlive the run that issued them, so with several
 * instances this must be a shared store. `take` is the one operation that must be atomic:
 * it is what makes a resume count exactly once.
 */
export interface InterruptStore {
  /** Adds interrupts to a thread; the store may forget them after `retainUntil` (epoch ms). */
  save(threadId: string, interrupts: readonly PendingInterrupt[], retainUntil: number): Promise<void>;
  /** The thread's pending interrupts, expired ones included (until retained no longer). */
  list(threadId: string): Promise<PendingInterrupt[]>;
  /**
   * Removes the named interrupts and returns them, all or none: when any of them is no longer
   * there (another request took it first), nothing is removed and the answer is undefined.
   */
  take(threadId: string, ids: readonly string[]): Promise<PendingInterrupt[] | undefined>;
}
