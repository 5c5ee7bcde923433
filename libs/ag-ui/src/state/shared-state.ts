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

  constructor(
    initial: unknown,
    private readonly emit: (event: BaseEvent) => void,
  ) {
    // A client that sends no state holds `{}` (HttpAgent's default), so tools can always spread it.
    this.sent = initial === undefined ? {} : toJsonValue(initial);
    this.current = toJsonValue(this.sent);
  }

  get value(): unknown {
    return this.current;
  }

  set(update: StateUpdate): void {
    this.current = typeof update === 'function' ? (update as (current: unknown) => unknown)(this.current) : update;
    this.flush();
  }

  /** Sends what changed since the last event, including changes a tool made in place. */
  flush(): void {
    const next = toJsonValue(this.current);
    const patch = diffJson(this.sent, next);
    if (!patch.length) return;
    this.sent = next;
    this.emit(
      replacesRoot(patch)
        ? ({ type: EventType.STATE_SNAPSHOT, snapshot: next } as BaseEvent)
        : ({ type: EventType.STATE_DELTA, delta: patch } as BaseEvent),
    );
  }
}
