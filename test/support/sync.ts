/** A promise the test settles, so a tool can wait for what the test saw. */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves once `count` callers are waiting, proving they run at the same time. */
export function barrier(count: number): () => Promise<void> {
  const { promise, open } = gate();
  let arrived = 0;
  return () => {
    if (++arrived === count) open();
    return promise;
  };
}
