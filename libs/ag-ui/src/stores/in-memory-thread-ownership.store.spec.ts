import { InMemoryThreadOwnershipStore } from './in-memory-thread-ownership.store.js';

describe('InMemoryThreadOwnershipStore', () => {
  it('gives a thread to its first claimer, for good', async () => {
    const store = new InMemoryThreadOwnershipStore();
    expect(await store.claim('t1', 'alice')).toBe('alice');
    expect(await store.claim('t1', 'bob')).toBe('alice');
    expect(await store.claim('t1', 'alice')).toBe('alice');
  });

  it('forgets the least recently used thread past its bound', async () => {
    const store = new InMemoryThreadOwnershipStore({ maxThreads: 2 });
    await store.claim('t1', 'alice');
    await store.claim('t2', 'alice');
    await store.claim('t1', 'alice'); // t1 is now the most recent
    await store.claim('t3', 'alice'); // evicts t2
    expect(await store.claim('t1', 'bob')).toBe('alice');
    expect(await store.claim('t2', 'bob')).toBe('bob');
  });
});
