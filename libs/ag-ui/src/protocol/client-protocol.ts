import { EventType, PROTOCOL_VERSION, type BaseEvent, type RunAgentInput } from '@ag-ui/core';

/**
 * Which AG-UI shape the client that sent a run understands, and the one place where the
 * answer is shaped for it. AG-UI 1.0 clients send `protocolVersion`; older ones send none.
 * CopilotKit 1.74 bundles such a client (`@ag-ui/client` 0.0.59), whose schema refuses
 * `RUN_FINISHED.outcome.pendingToolCallIds` and fails the whole run over it.
 * docs/compatibility.md lists the clients tried and what each gets.
 */
export class ClientProtocol {
  static readonly current = new ClientProtocol(PROTOCOL_VERSION, false);
  private static readonly unversioned = new ClientProtocol(undefined, true);

  private constructor(
    /** The version the client declared; undefined for a client from before 1.0. */
    readonly declared: string | undefined,
    /** True for pre-1.0 clients: the answer leaves out what their schemas refuse. */
    readonly legacy: boolean,
  ) {}

  static of(input: Pick<RunAgentInput, 'protocolVersion'>): ClientProtocol {
    const declared = input.protocolVersion;
    if (declared === PROTOCOL_VERSION) return ClientProtocol.current;
    if (declared === undefined) return ClientProtocol.unversioned;
    // "0.x" clients predate 1.0 too; anything newer, or unreadable, gets the shape we speak.
    const major = Number.parseInt(declared, 10);
    return new ClientProtocol(declared, major === 0);
  }

  /** The event as this client should receive it; the same object when nothing changes. */
  adapt(event: BaseEvent): BaseEvent {
    if (!this.legacy || event.type !== EventType.RUN_FINISHED) return event;
    const outcome = (event as { outcome?: { type?: string; pendingToolCallIds?: unknown } }).outcome;
    if (outcome?.type !== 'success' || !('pendingToolCallIds' in outcome)) return event;
    // The client still learns of the calls: it saw each TOOL_CALL_END, which is where it runs them.
    const { pendingToolCallIds: _dropped, ...legacyOutcome } = outcome;
    return { ...event, outcome: legacyOutcome } as BaseEvent;
  }
}
