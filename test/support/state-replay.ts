import { EventType, type BaseEvent } from '@ag-ui/core';
import jsonPatch from 'fast-json-patch';

type AnyEvent = BaseEvent & Record<string, any>;

/** Replays a run's state events on what the client held, the way @ag-ui/client does, validation on: a bad patch throws. */
export function replayState(initial: unknown, events: readonly BaseEvent[]): unknown {
  let state = structuredClone(initial);
  for (const event of events as AnyEvent[]) {
    if (event.type === EventType.STATE_SNAPSHOT) state = structuredClone(event.snapshot);
    if (event.type === EventType.STATE_DELTA) state = jsonPatch.applyPatch(state, event.delta, true, false).newDocument;
  }
  return state;
}
