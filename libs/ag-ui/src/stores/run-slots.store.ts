/** Where the count of each principal's open runs lives; the in-memory default serves one instance, a shared store serves many. */
export const RUN_SLOTS_STORE = Symbol('AG_UI_RUN_SLOTS_STORE');

/**
 * Counts open runs per key (a principal), up to a limit. `acquire` must be atomic: with several
 * instances, two runs racing for the last slot get one slot between them. A shared store should
 * give each lease an expiry, renewed while the run lives, so a crashed instance's slots come back.
 */
export interface RunSlotsStore {
  /** Takes one of `limit` slots of `key`: a lease id to release later, or undefined when all are taken. */
  acquire(key: string, limit: number): Promise<string | undefined>;
  /** Gives a slot back; releasing a lease twice or one that is unknown changes nothing. */
  release(key: string, lease: string): Promise<void>;
}
