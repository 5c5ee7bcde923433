/**
 * A push-to-pull queue: producers push, one consumer iterates in arrival order. `write()` is
 * `push()` with backpressure: its promise settles once the consumer has taken everything
 * buffered, so a producer that awaits it runs no further ahead than the consumer. `close()`
 * is the consumer leaving: what is buffered is dropped and waiting producers are let go.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiting?: () => void;
  private taken?: { promise: Promise<void>; resolve: () => void };
  private ended = false;
  private closed = false;

  push(item: T): void {
    if (this.closed) return;
    this.buffer.push(item);
    this.wake();
  }

  write(item: T): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.push(item);
    if (!this.taken) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.taken = { promise, resolve };
    }
    return this.taken.promise;
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.buffer.length = 0;
    this.release();
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private release(): void {
    const taken = this.taken;
    this.taken = undefined;
    taken?.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.buffer.length) yield this.buffer.shift()!;
      // The consumer asked for more than there is: it has taken everything written so far.
      this.release();
      if (this.ended || this.closed) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
