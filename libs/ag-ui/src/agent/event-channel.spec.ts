import { setTimeout as delay } from 'node:timers/promises';
import { EventChannel } from './event-channel.js';

async function drain<T>(channel: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of channel) out.push(item);
  return out;
}

describe('EventChannel', () => {
  it('delivers items pushed before iteration starts, in order, then ends', async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.push(2);
    channel.push(3);
    channel.end();
    await expect(drain(channel)).resolves.toEqual([1, 2, 3]);
  });

  it('delivers items pushed after iteration started, as they arrive', async () => {
    const channel = new EventChannel<string>();
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const item of channel) seen.push(item);
    })();
    await delay(5);
    expect(seen).toEqual([]);
    channel.push('a');
    await delay(5);
    expect(seen).toEqual(['a']);
    channel.push('b');
    channel.push('c');
    await delay(5);
    expect(seen).toEqual(['a', 'b', 'c']);
    channel.end();
    await consumer;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('mixes items pushed before and after the start in arrival order', async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    const result = drain(channel);
    await delay(1);
    channel.push(2);
    channel.push(3);
    channel.end();
    await expect(result).resolves.toEqual([1, 2, 3]);
  });

  it('keeps iterating until end(): an idle channel does not finish by itself', async () => {
    const channel = new EventChannel<number>();
    let finished = false;
    const result = drain(channel).then((items) => {
      finished = true;
      return items;
    });
    await delay(20);
    expect(finished).toBe(false);
    channel.end();
    await expect(result).resolves.toEqual([]);
    expect(finished).toBe(true);
  });

  it('delivers items still buffered when end() was called', async () => {
    const channel = new EventChannel<number>();
    const result = drain(channel);
    channel.push(1);
    channel.push(2);
    channel.end();
    await expect(result).resolves.toEqual([1, 2]);
  });

  it('interleaves concurrent producers in the order their items arrive', async () => {
    const channel = new EventChannel<string>();
    // Each producer waits on its own gates; the test opens them alternately.
    const gates = Array.from({ length: 5 }, () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    });
    const producer = async (name: string, gateIndexes: number[]) => {
      for (const [i, gate] of gateIndexes.entries()) {
        await gates[gate]!.opened;
        channel.push(`${name}${i}`);
      }
    };
    const result = drain(channel);
    const producers = Promise.all([producer('a', [0, 2, 4]), producer('b', [1, 3])]);
    for (const gate of gates) {
      gate.open();
      await delay(1);
    }
    await producers;
    channel.end();
    await expect(result).resolves.toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
  });

  it('loses nothing when many producers push at once', async () => {
    const channel = new EventChannel<number>();
    const result = drain(channel);
    await Promise.all(
      Array.from({ length: 10 }, async (_, p) => {
        for (let i = 0; i < 50; i++) {
          channel.push(p * 100 + i);
          if (i % 7 === 0) await Promise.resolve();
        }
      }),
    );
    channel.end();
    const items = await result;
    expect(items).toHaveLength(500);
    expect(new Set(items).size).toBe(500);
    // Each producer's own items stay in its order.
    for (let p = 0; p < 10; p++) {
      const own = items.filter((item) => Math.floor(item / 100) === p);
      expect(own).toEqual(Array.from({ length: 50 }, (_, i) => p * 100 + i));
    }
  });

  it('write() settles only once the consumer has taken everything written', async () => {
    const channel = new EventChannel<number>();
    let settled = false;
    void channel.write(1)!.then(() => (settled = true));
    channel.write(2);
    const iterator = channel[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 1 });
    await delay(1);
    expect(settled).toBe(false);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 2 });
    await delay(1);
    // The consumer is still working on 2: it has not asked for more yet.
    expect(settled).toBe(false);
    const third = iterator.next();
    await delay(1);
    expect(settled).toBe(true);
    channel.end();
    await expect(third).resolves.toEqual({ done: true, value: undefined });
  });

  it('close() lets waiting writers go, drops what is buffered and ignores later writes', async () => {
    const channel = new EventChannel<number>();
    const waiting = channel.write(1);
    channel.close();
    await expect(within(waiting!)).resolves.toBeUndefined();
    expect(channel.write(2)).toBeUndefined();
    channel.push(3);
    await expect(drain(channel)).resolves.toEqual([]);
  });
});

/** Fails fast instead of hanging when a promise never settles. */
function within<T>(promise: Promise<T>, ms = 500): Promise<T> {
  return Promise.race([promise, delay(ms).then(() => Promise.reject(new Error('did not settle')))]);
}
