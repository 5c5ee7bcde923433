import type { PendingInterrupt } from '../interrupts/pending-interrupt.js';
import type { InterruptStore } from './interrupt.store.js';

export interface InMemoryInterruptStoreOptions {
  /** Threads with pending interrupts remembered at most; the least recently touched go first (default 100 000). */
  maxThreads?: number;
}

interface ThreadInterrupts {
  readonly byId: Map<string, PendingInterrupt>;
  retainUntil: number;
}

/** The default store: one process's memory, bounded, and forgetting what is past its retention. */
export class InMemoryInterruptStore implements InterruptStore {
  private readonly threads = new Map<string, ThreadInterrupts>();
  private readonly maxThreads: number;

  constructor(options: InMemoryInterruptStoreOptions = {}) {
    this.maxThreads = options.maxThreads ?? 100_000;
  }

  async save(threadId: string, interrupts: readonly PendingInterrupt[], retainUntil: number): Promise<void> {
    const thread = this.live(threadId) ?? { byId: new Map(), retainUntil };
    for (const interrupt of interrupts) thread.byId.set(interrupt.id, interrupt);
    thread.retainUntil = Math.max(thread.retainUntil, retainUntil);
    // Re-inserting keeps the Map's order a recency order, so the first key is the least recently used.
    this.threads.delete(threadId);
    this.threads.set(threadId, thread);
    if (this.threads.size > this.maxThreads) this.threads.delete(this.threads.keys().next().value!);
  }

  async list(threadId: string): Promise<PendingInterrupt[]> {
    return [...(this.live(threadId)?.byId.values() ?? [])];
  }

  async take(threadId: string, ids: readonly string[]): Promise<PendingInterrupt[] | undefined> {
    const thread = this.live(threadId);
    if (!thread || !ids.every((id) => thread.byId.has(id))) return undefined;
    const taken = ids.map((id) => thread.byId.get(id)!);
    for (const id of ids) thread.byId.delete(id);
    if (!thread.byId.size) this.threads.delete(threadId);
    return taken;
  }

  private live(threadId: string): ThreadInterrupts | undefined {
    const thread = this.threads.get(threadId);
    if (thread && thread.retainUntil <= Date.now()) {
      this.threads.delete(threadId);
      return undefined;
    }
    return thread;
  }
}
