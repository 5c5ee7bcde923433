import { EventType, PROTOCOL_VERSION, type BaseEvent } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import { verifyEvents } from '@ag-ui/client';
import { from, lastValueFrom, toArray, type OperatorFunction } from 'rxjs';

/** A client's own checks: its event schemas and its sequence verifier. */
export interface ClientEventChecks {
  schemas: { safeParse(value: unknown): { success: boolean; error?: { message: string } } };
  verifyEvents: (debug: boolean) => OperatorFunction<BaseEvent, BaseEvent>;
}

export interface RunCheckOptions {
  /** The ids the run was started with: RUN_STARTED and RUN_FINISHED must echo them. */
  threadId?: string;
  runId?: string;
  /** The version RUN_STARTED must declare (default this package's AG-UI version); `false` skips it. */
  protocolVersion?: string | false;
  /** Another client's checks, e.g. an older @ag-ui/client's (default: @ag-ui/client's verifyEvents and @ag-ui/core's EventSchemas). */
  client?: ClientEventChecks;
}

/** A run's events broke the AG-UI contract; the message says where, and lists the events. */
export class RunCheckError extends Error {
  constructor(
    problem: string,
    readonly events: readonly BaseEvent[],
  ) {
    super(`AG-UI run check failed: ${problem}\nEvents: ${events.map((event) => event.type).join(', ') || '(none)'}`);
    this.name = 'RunCheckError';
  }
}

const CURRENT_CLIENT: ClientEventChecks = { schemas: EventSchemas, verifyEvents: verifyEvents as ClientEventChecks['verifyEvents'] };
const TERMINAL = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

/**
 * Checks one run's events the way a client would take them: every event passes @ag-ui/core's
 * schema, the sequence passes @ag-ui/client's `verifyEvents`, RUN_STARTED comes first (with the
 * run's ids and protocol version), and exactly one RUN_FINISHED or RUN_ERROR ends it.
 * Throws a RunCheckError naming the first problem.
 */
export async function checkRunEvents(events: readonly BaseEvent[], options: RunCheckOptions = {}): Promise<void> {
  const client = options.client ?? CURRENT_CLIENT;
  const fail = (problem: string): never => {
    throw new RunCheckError(problem, events);
  };
  if (events.length < 2) fail(`a run has at least RUN_STARTED and a terminal event, got ${events.length} event(s)`);
  events.forEach((event, index) => {
    const parsed = client.schemas.safeParse(event);
    if (!parsed.success) fail(`event #${index} (${event.type}) fails the AG-UI schema: ${parsed.error?.message}\n${JSON.stringify(event)}`);
  });
  try {
    await lastValueFrom(from(events).pipe(client.verifyEvents(false), toArray()));
  } catch (error) {
    fail(`@ag-ui/client's verifyEvents refused the sequence: ${error instanceof Error ? error.message : String(error)}`);
  }

  const first = events[0] as BaseEvent & Record<string, unknown>;
  if (first.type !== EventType.RUN_STARTED) fail(`the first event is ${first.type}, not RUN_STARTED`);
  expectIds(first, options, fail);
  const version = options.protocolVersion ?? PROTOCOL_VERSION;
  if (version !== false && first.protocolVersion !== version) fail(`RUN_STARTED declares protocolVersion ${JSON.stringify(first.protocolVersion)}, expected "${version}"`);

  const terminals = events.filter((event) => TERMINAL.has(event.type));
  if (terminals.length !== 1) fail(`a run ends with exactly one RUN_FINISHED or RUN_ERROR, got ${terminals.length}`);
  const last = events[events.length - 1]!;
  if (last !== terminals[0]) fail(`the terminal ${terminals[0]!.type} is not the last event (${last.type} follows it)`);
  if (last.type === EventType.RUN_FINISHED) expectIds(last as BaseEvent & Record<string, unknown>, options, fail);
}

function expectIds(event: BaseEvent & Record<string, unknown>, expected: RunCheckOptions, fail: (problem: string) => never): void {
  for (const key of ['threadId', 'runId'] as const) {
    if (expected[key] !== undefined && event[key] !== expected[key]) fail(`${event.type} has ${key} ${JSON.stringify(event[key])}, expected "${expected[key]}"`);
  }
}
