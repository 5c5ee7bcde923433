import type { BaseEvent } from '@ag-ui/core';

/**
 * Parses a whole `text/event-stream` body into its events, the way a client without a library
 * would: each frame's `data:` lines joined, comments (`: ping`) and empty frames skipped.
 */
export function parseSse(body: string): BaseEvent[] {
  const events: BaseEvent[] = [];
  for (const frame of body.split(/\r?\n\r?\n/)) {
    const data = frame
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
    if (data) events.push(JSON.parse(data) as BaseEvent);
  }
  return events;
}
