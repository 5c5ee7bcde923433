import { EventType, type BaseEvent } from '@ag-ui/core';
import { diffJson, replacesRoot } from './json-patch.js';
import { toJsonValue } from './json-value.js';

/** What a tool passes to `ctx.setState`: the next state, or a function of the current one. */
export type StateUpdate<TState = unknown> = TState | ((current: TState) => TState);

/**
 * The run's shared state (AG-UI `state`), starting from what the client sent. Every change is
 * sent at once as the difference from what the client last received: a STATE_DELTA (RFC 6902,
 * computed, so it never replaces a path the client does not have), or a STATE_SNAPSHOT when the
 * root itself changes kind.
 */
export class SharedState {
  private current: unknown;
  /** What the client holds: a private JSON copy, never handed out, so patches built from it stay true. */
  private sent: unknown;
  /** False while the client's state is unknown (it sent none, or `null`): the first real change is then a snapshot. */
  private known: boolean;

  constructor(
    initial: unknown,
    private readonly emit: (event: BaseEvent) => void,
  ) {
    // Tools always see an object to spread, even when the client sent no state.
    this.known = initial !== undefined && initial !== null;
    this.sent = this.known ? toJsonValue(initial) : {};
    this.current = toJsonValue(this.sent);
  }

  get value(): unknown {
    return this.current;
  }

  set(update: StateUpdate): void {
    const next = typeof update === 'function' ? (update as (current: unknown) => unknown)(this.current) : update;
    // Refused before it is kept: a value that is not JSON (a BigInt, a cycle) throws here and changes nothing.
    toJsonValue(next);
    this.current = next;
    this.flush();
  }

  /**
   * Sends what changed since the last event, including changes a tool made in place. A state
   * left in a form that is not JSON is put back to what the client holds, and the error thrown.
   */
  flush(): void {
    let next: unknown;
    try {
      next = toJsonValue(this.current);
    } catch (error) {
      this.current = toJsonValue(this.sent);
      throw error;
    }
    const patch = diffJson(this.sent, next);
    // Nothing changed: no event, even when the client sent no state (it then stands for `{}`).
    if (!patch.length) return;
    const snapshot = !this.known || replacesRoot(patch);
    this.sent = next;
    this.known = true;
    this.emit(snapshot ? ({ type: EventType.STATE_SNAPSHOT, snapshot: next } as BaseEvent) : ({ type: EventType.STATE_DELTA, delta: patch } as BaseEvent));
  }
}
