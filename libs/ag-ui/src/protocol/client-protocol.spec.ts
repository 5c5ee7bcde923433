import { EventType, PROTOCOL_VERSION, type BaseEvent } from '@ag-ui/core';
import { ClientProtocol } from './client-protocol.js';

const finished = (outcome: unknown): BaseEvent => ({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r', outcome }) as BaseEvent;

describe('ClientProtocol', () => {
  it.each([
    [undefined, true],
    ['0.0.59', true],
    ['0.1', true],
    [PROTOCOL_VERSION, false],
    ['1.1', false],
    ['2.0', false],
    ['next', false],
  ])('protocolVersion %p → legacy %p', (protocolVersion, legacy) => {
    const protocol = ClientProtocol.of({ protocolVersion });
    expect(protocol.legacy).toBe(legacy);
    expect(protocol.declared).toBe(protocolVersion);
  });

  it('leaves out pendingToolCallIds for a pre-1.0 client and keeps the rest of the event', () => {
    const event = { ...finished({ type: 'success', pendingToolCallIds: ['c1'] }), result: { x: 1 } } as BaseEvent;
    const adapted = ClientProtocol.of({}).adapt(event);
    expect(adapted).toEqual({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r', outcome: { type: 'success' }, result: { x: 1 } });
    // The runner's event is not mutated: it may be logged or snapshotted elsewhere.
    expect(event).toMatchObject({ outcome: { type: 'success', pendingToolCallIds: ['c1'] } });
  });

  it('gives a 1.0 client the full shape', () => {
    const event = finished({ type: 'success', pendingToolCallIds: ['c1'] });
    expect(ClientProtocol.of({ protocolVersion: PROTOCOL_VERSION }).adapt(event)).toBe(event);
  });

  it('passes interrupt outcomes and other events to a pre-1.0 client unchanged', () => {
    const legacy = ClientProtocol.of({});
    const interrupt = finished({ type: 'interrupt', interrupts: [{ id: 'i1', reason: 'tool_approval' }] });
    const plain = finished(undefined);
    const started = { type: EventType.RUN_STARTED, threadId: 't', runId: 'r' } as BaseEvent;
    for (const event of [interrupt, plain, started]) expect(legacy.adapt(event)).toBe(event);
  });
});
