import type { BaseEvent } from '@ag-ui/core';

/**
 * Where a run writes its events, one call per event. It returns a promise only when the
 * consumer wants the run to wait (a full socket buffer, say): the run writes nothing more
 * until it settles. Returning nothing keeps the hot path free of promises.
 */
export type EventSink = (event: BaseEvent) => Promise<void> | undefined;

/** Writes `events` in order, waiting wherever the sink asks; synchronous while it never does. */
export function writeEach(sink: EventSink, events: readonly BaseEvent[], from = 0): Promise<void> | undefined {
  for (let i = from; i < events.length; i++) {
    const wait = sink(events[i]!);
    if (wait) return wait.then(() => writeEach(sink, events, i + 1));
  }
  return undefined;
}
