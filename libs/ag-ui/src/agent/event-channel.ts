/**
 * A push-to-pull queue: concurrent producers (tools running in parallel) push, one consumer
 * iterates in arrival order. The runner uses it to yield results as each tool finishes.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiting?: () => void;
  private ended = false;

  push(item: T): void {
    this.buffer.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.buffer.length) yield this.buffer.shift()!;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
