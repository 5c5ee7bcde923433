import type { RunSlotsStore } from './run-slots.store.js';

/** Open runs per key in this process. A key with no open run takes no memory. */
export class InMemoryRunSlotsStore implements RunSlotsStore {
  private readonly leases = new Map<string, Set<string>>();
  private next = 0;

  async acquire(key: string, limit: number): Promise<string | undefined> {
    let open = this.leases.get(key);
    if (open && open.size >= limit) return undefined;
    if (!open) this.leases.set(key, (open = new Set()));
    const lease = String(++this.next);
    open.add(lease);
    return lease;
  }

  async release(key: string, lease: string): Promise<void> {
    const open = this.leases.get(key);
    if (!open?.delete(lease)) return;
    if (!open.size) this.leases.delete(key);
  }

  /** Open runs of `key`, for tests. */
  count(key: string): number {
    return this.leases.get(key)?.size ?? 0;
  }
}
