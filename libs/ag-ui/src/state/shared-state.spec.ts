import { EventType, type BaseEvent } from '@ag-ui/core';
import { SharedState } from './shared-state.js';

/** A shared state over `initial`, and the events it sent. */
function stateOf(initial: unknown) {
  const events: Array<BaseEvent & Record<string, unknown>> = [];
  const state = new SharedState(initial, (event) => void events.push(event as BaseEvent & Record<string, unknown>));
  return { state, events };
}

describe('SharedState sends an event only when the state changed', () => {
  describe.each([
    ['no state (undefined)', undefined],
    ['null', null],
  ])('when the client sent %s', (_label, initial) => {
    it('stays silent while nothing changes: a flush after a tool, setting {} or the same value', () => {
      const { state, events } = stateOf(initial);
      expect(state.value).toEqual({});
      state.flush();
      state.set({});
      state.set((current: unknown) => current);
      state.set((current: unknown) => ({ ...(current as object) }));
      state.flush();
      expect(events).toEqual([]);
    });

    it('sends the first real change as a snapshot (the client holds no state to patch), then deltas', () => {
      const { state, events } = stateOf(initial);
      state.set({ theme: 'dark' });
      state.set({ theme: 'dark' });
      state.set({ theme: 'light' });
      expect(events).toEqual([
        { type: EventType.STATE_SNAPSHOT, snapshot: { theme: 'dark' } },
        { type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/theme', value: 'light' }] },
      ]);
    });

    it('sends a change made in place when flushed, once', () => {
      const { state, events } = stateOf(initial);
      (state.value as Record<string, unknown>).count = 1;
      state.flush();
      state.flush();
      expect(events).toEqual([{ type: EventType.STATE_SNAPSHOT, snapshot: { count: 1 } }]);
    });
  });

  describe('when the client sent a state', () => {
    it('stays silent when a tool sets an equal value, a copy of it, or the same object', () => {
      const { state, events } = stateOf({ theme: 'light', items: [{ id: 1 }] });
      state.set({ theme: 'light', items: [{ id: 1 }] });
      state.set((current: unknown) => structuredClone(current));
      state.set(state.value);
      state.flush();
      expect(events).toEqual([]);
    });

    it('sends what changed as a delta, and nothing once it is sent', () => {
      const { state, events } = stateOf({ theme: 'light' });
      state.set((current: unknown) => ({ ...(current as object), theme: 'dark' }));
      state.flush();
      expect(events).toEqual([{ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/theme', value: 'dark' }] }]);
    });

    it('stays silent for an empty state the client sent explicitly', () => {
      const { state, events } = stateOf({});
      state.set({});
      state.flush();
      expect(events).toEqual([]);
    });
  });
});
