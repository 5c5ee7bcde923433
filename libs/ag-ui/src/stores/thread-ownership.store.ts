/** Where thread ownership lives; the in-memory default serves one instance, a shared store serves many. */
export const THREAD_OWNERSHIP_STORE = Symbol('AG_UI_THREAD_OWNERSHIP_STORE');

/**
 * Records who started each thread, so that nobody else can run on it (and later resume or
 * approve its interrupts). Implementations must make `claim` atomic: with two instances
 * behind a load balancer, the first claim of a thread wins everywhere.
 */
export interface ThreadOwnershipStore {
  /** Claims `threadId` for `principal` unless it has an owner; returns the owner after the call. */
  claim(threadId: string, principal: string): Promise<string>;
}
