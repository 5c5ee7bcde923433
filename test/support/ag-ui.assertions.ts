import { EventType, type BaseEvent } from '@ag-ui/core';
import { checkRunEvents, type ClientEventChecks } from 'nestjs-ag-ui/testing';

/** A client's own checks: its event schemas and its sequence verifier (@ag-ui/client 1.0's by default). */
export type ClientChecks = ClientEventChecks;

/**
 * The protocol contract every e2e scenario must meet, checked by the testing kit users get:
 * each event passes @ag-ui/core's schema, the sequence passes @ag-ui/client's verifier,
 * RUN_STARTED echoes the ids and carries protocolVersion, and exactly one terminal event ends the stream.
 */
export async function expectValidRun(events: readonly BaseEvent[], input: { threadId: string; runId: string }, client?: ClientChecks): Promise<void> {
  await checkRunEvents(events, { threadId: input.threadId, runId: input.runId, client });
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
