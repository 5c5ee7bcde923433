import { EventType, PROTOCOL_VERSION, type BaseEvent } from '@ag-ui/core';
import { checkRunEvents, RunCheckError } from './run-events.check.js';

const ids = { threadId: 't1', runId: 'r1' };
const started = { type: EventType.RUN_STARTED, ...ids, protocolVersion: PROTOCOL_VERSION } as BaseEvent;
const finished = { type: EventType.RUN_FINISHED, ...ids } as BaseEvent;
const text = [
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Hi' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' },
] as BaseEvent[];

async function problemOf(events: BaseEvent[], options = ids): Promise<string> {
  const error = await checkRunEvents(events, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunCheckError);
  return (error as Error).message;
}

describe('checkRunEvents', () => {
  it('accepts a valid run, finished or failed', async () => {
    await expect(checkRunEvents([started, ...text, finished], ids)).resolves.toBeUndefined();
    await expect(checkRunEvents([started, { type: EventType.RUN_ERROR, message: 'x', code: 'X' } as BaseEvent])).resolves.toBeUndefined();
  });

  it('names the event that fails the schema, and lists the sequence', async () => {
    const message = await problemOf([started, { type: EventType.TEXT_MESSAGE_START, role: 'assistant' } as BaseEvent, finished]);
    expect(message).toMatch(/^AG-UI run check failed: event #1 \(TEXT_MESSAGE_START\) fails the AG-UI schema/);
    expect(message).toContain('Events: RUN_STARTED, TEXT_MESSAGE_START, RUN_FINISHED');
  });

  it("reports what @ag-ui/client's verifyEvents refuses", async () => {
    expect(await problemOf([started, text[1]!, finished])).toContain("@ag-ui/client's verifyEvents refused the sequence");
  });

  it('wants RUN_STARTED first with the run ids and protocol version', async () => {
    expect(await problemOf([finished], ids)).toContain('at least RUN_STARTED and a terminal event, got 1');
    expect(await problemOf([{ ...started, runId: 'other' } as BaseEvent, { ...finished, runId: 'other' } as BaseEvent])).toContain(
      'RUN_STARTED has runId "other", expected "r1"',
    );
    const { protocolVersion: _none, ...unversioned } = started as BaseEvent & { protocolVersion: string };
    expect(await problemOf([unversioned as BaseEvent, finished])).toContain(`RUN_STARTED declares protocolVersion undefined, expected "${PROTOCOL_VERSION}"`);
    await expect(checkRunEvents([unversioned as BaseEvent, finished], { ...ids, protocolVersion: false })).resolves.toBeUndefined();
  });

  it('wants exactly one terminal event, last', async () => {
    expect(await problemOf([started, ...text])).toMatch(/verifyEvents refused|exactly one RUN_FINISHED or RUN_ERROR, got 0/);
    expect(await problemOf([started, finished, finished])).toMatch(/verifyEvents refused|exactly one RUN_FINISHED or RUN_ERROR, got 2/);
  });
});
