import type { ThreadOwnershipStore } from './thread-ownership.store.js';

export interface InMemoryThreadOwnershipStoreOptions {
  /** Threads remembered at most; the least recently used are forgotten first (default 100 000). */
  maxThreads?: number;
}

/** The default store: one process's memory, bounded so that many threads cannot exhaust it. */
export class InMemoryThreadOwnershipStore implements ThreadOwnershipStore {
  private readonly owners = new Map<string, string>();
  private readonly maxThreads: number;

  constructor(options: InMemoryThreadOwnershipStoreOptions = {}) {
    this.maxThreads = options.maxThreads ?? 100_000;
  }

  async claim(threadId: string, principal: string): Promise<string> {
    const owner = this.owners.get(threadId) ?? principal;
    // Re-inserting keeps the Map's order a recency order, so the first key is the least recently used.
    this.owners.delete(threadId);
    this.owners.set(threadId, owner);
    if (this.owners.size > this.maxThreads) this.owners.delete(this.owners.keys().next().value!);
    return owner;
  }
}
