import { randomUUID } from 'node:crypto';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { diffJson, replacesRoot } from './json-patch.js';
import { isPlainObject, toJsonValue } from './json-value.js';

const DEFAULT_ACTIVITY_TYPE = 'progress';

/**
 * One tool call's progress as an AG-UI activity message: the first report is an
 * ACTIVITY_SNAPSHOT, later ones ACTIVITY_DELTAs from the previous report, so a UI renders
 * a live card while the tool still runs.
 */
export class ActivityReporter {
  readonly messageId = randomUUID();
  private sent?: { activityType: string; content: unknown };

  constructor(private readonly emit: (event: BaseEvent) => void) {}

  report(content: Record<string, unknown>, activityType = DEFAULT_ACTIVITY_TYPE): void {
    if (!isPlainObject(content)) throw new TypeError('ctx.progress(content) takes a plain object, e.g. { step: "Searching", done: 2, total: 5 }');
    const next = toJsonValue(content);
    const previous = this.sent;
    this.sent = { activityType, content: next };
    const patch = previous?.activityType === activityType ? diffJson(previous.content, next) : undefined;
    if (patch && !patch.length) return;
    if (patch && !replacesRoot(patch)) {
      this.emit({ type: EventType.ACTIVITY_DELTA, messageId: this.messageId, activityType, patch } as BaseEvent);
      return;
    }
    this.emit({ type: EventType.ACTIVITY_SNAPSHOT, messageId: this.messageId, activityType, content: next, replace: true } as BaseEvent);
  }
}
