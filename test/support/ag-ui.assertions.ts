import { EventType, PROTOCOL_VERSION, type BaseEvent } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { verifyEvents } from '@ag-ui/client';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';

/** A client's own checks: its event schemas and its sequence verifier (@ag-ui/client 1.0's by default). */
export interface ClientChecks {
  schemas: { safeParse(value: unknown): { success: boolean; error?: { message: string } } };
  verifyEvents: (debug: boolean) => OperatorFunction<BaseEvent, BaseEvent>;
}

const CURRENT_CLIENT: ClientChecks = { schemas: EventSchemas, verifyEvents };

const TERMINAL = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

/**
 * The protocol contract every e2e scenario must meet: each event passes @ag-ui/core's
 * schema, the sequence passes @ag-ui/client's verifier, RUN_STARTED echoes the ids and
 * carries protocolVersion, and exactly one terminal event ends the stream.
 */
export async function expectValidRun(events: readonly BaseEvent[], input: { threadId: string; runId: string }, client: ClientChecks = CURRENT_CLIENT): Promise<void> {
  expect(events.length).toBeGreaterThanOrEqual(2);
  for (const event of events) {
    const parsed = client.schemas.safeParse(event);
    if (!parsed.success) throw new Error(`Event ${event.type} fails the AG-UI schema: ${parsed.error?.message}\n${JSON.stringify(event)}`);
  }
  await lastValueFrom(from(events).pipe(client.verifyEvents(false), toArray()));

  const [first] = events;
  expect(first).toMatchObject({ type: EventType.RUN_STARTED, threadId: input.threadId, runId: input.runId, protocolVersion: PROTOCOL_VERSION });
  const terminals = events.filter((event) => TERMINAL.has(event.type));
  expect(terminals).toHaveLength(1);
  expect(events[events.length - 1]).toBe(terminals[0]);
  if (terminals[0]!.type === EventType.RUN_FINISHED) {
    expect(terminals[0]).toMatchObject({ threadId: input.threadId, runId: input.runId });
  }
}

export function ofType<T extends BaseEvent = BaseEvent & Record<string, any>>(events: readonly BaseEvent[], type: EventType): T[] {
  return events.filter((event) => event.type === type) as T[];
}

/** The text the client would show: all TEXT_MESSAGE_CONTENT deltas joined. */
export function streamedText(events: readonly BaseEvent[]): string {
  return ofType<BaseEvent & { delta: string }>(events, EventType.TEXT_MESSAGE_CONTENT)
    .map((event) => event.delta)
    .join('');
}
