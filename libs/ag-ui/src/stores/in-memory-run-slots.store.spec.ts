import { InMemoryRunSlotsStore } from './in-memory-run-slots.store.js';

describe('InMemoryRunSlotsStore', () => {
  it('gives at most `limit` slots per key, and each key its own', async () => {
    const store = new InMemoryRunSlotsStore();
    const leases = await Promise.all([1, 2, 3].map(() => store.acquire('ada', 2)));
    expect(leases.filter(Boolean)).toHaveLength(2);
    expect(leases[2]).toBeUndefined();
    expect(await store.acquire('bob', 2)).toEqual(expect.any(String));
    expect(store.count('ada')).toBe(2);
  });

  it('frees a slot on release, once, and forgets a key with none open', async () => {
    const store = new InMemoryRunSlotsStore();
    const first = (await store.acquire('ada', 1))!;
    expect(await store.acquire('ada', 1)).toBeUndefined();
    await store.release('ada', first);
    await store.release('ada', first);
    await store.release('ada', 'unknown');
    expect(store.count('ada')).toBe(0);
    const second = (await store.acquire('ada', 1))!;
    expect(second).not.toBe(first);
    expect(await store.acquire('ada', 1)).toBeUndefined();
  });
});
