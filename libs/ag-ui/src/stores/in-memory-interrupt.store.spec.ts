import type { PendingInterrupt } from '../interrupts/pending-interrupt.js';
import { InMemoryInterruptStore } from './in-memory-interrupt.store.js';

const interrupt = (id: string, threadId = 't1'): PendingInterrupt => ({
  id,
  threadId,
  runId: 'r1',
  agentId: 'a',
  principal: 'alice',
  toolCallId: `call-${id}`,
  toolName: 'refund',
  args: '{}',
  assistantMessageId: 'm1',
  expiresAt: Date.now() + 60_000,
});

describe('InMemoryInterruptStore', () => {
  it('lists what was saved per thread, and takes interrupts all or none', async () => {
    const store = new InMemoryInterruptStore();
    await store.save('t1', [interrupt('a'), interrupt('b')], Date.now() + 60_000);
    await store.save('t2', [interrupt('c', 't2')], Date.now() + 60_000);
    expect((await store.list('t1')).map((i) => i.id)).toEqual(['a', 'b']);

    expect(await store.take('t1', ['a', 'missing'])).toBeUndefined();
    expect((await store.list('t1')).map((i) => i.id)).toEqual(['a', 'b']);
    expect(await store.take('t1', ['c'])).toBeUndefined();

    expect((await store.take('t1', ['b', 'a']))!.map((i) => i.id)).toEqual(['b', 'a']);
    expect(await store.list('t1')).toEqual([]);
    expect(await store.take('t1', ['a'])).toBeUndefined();
    expect((await store.list('t2')).map((i) => i.id)).toEqual(['c']);
  });

  it('forgets a thread once its retention has passed', async () => {
    const store = new InMemoryInterruptStore();
    await store.save('t1', [interrupt('a')], Date.now() - 1);
    expect(await store.list('t1')).toEqual([]);
    expect(await store.take('t1', ['a'])).toBeUndefined();
  });

  it('keeps at most maxThreads threads, forgetting the least recently saved', async () => {
    const store = new InMemoryInterruptStore({ maxThreads: 2 });
    for (const threadId of ['t1', 't2', 't3']) await store.save(threadId, [interrupt(threadId, threadId)], Date.now() + 60_000);
    expect(await store.list('t1')).toEqual([]);
    expect((await store.list('t3')).map((i) => i.id)).toEqual(['t3']);
  });
});
