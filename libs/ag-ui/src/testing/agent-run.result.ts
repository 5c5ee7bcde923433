import { EventType, type BaseEvent, type Interrupt, type RunAgentInput, type RunErrorEvent, type RunFinishedEvent, type RunFinishedOutcome } from '@ag-ui/core';
import { applyJsonPatch } from './json-patch.apply.js';

type AnyEvent = BaseEvent & Record<string, any>;

/** One tool call of a run, as the client saw it. */
export interface RunToolCall {
  id: string;
  name: string;
  /** The streamed arguments, joined. */
  argsText: string;
  /** The arguments parsed as JSON; undefined when they are not JSON. */
  args: unknown;
  /** The TOOL_CALL_RESULT's content, when the server ran the call; undefined for a frontend tool. */
  result?: string;
  /** The result parsed as JSON, or the text itself when it is not JSON. */
  resultValue?: unknown;
  /** The assistant message the call belongs to. */
  parentMessageId?: string;
}

/** A run's events, checked, with what a test usually asks of them. */
export class AgentRunResult {
  constructor(
    /** What was sent. */
    readonly input: RunAgentInput,
    /** Every event, in order. */
    readonly events: readonly BaseEvent[],
  ) {}

  /** The event types in order: handy in `toEqual([...])` and failure messages. */
  get types(): string[] {
    return this.events.map((event) => event.type);
  }

  ofType<T extends BaseEvent = AnyEvent>(type: EventType | `${EventType}`): T[] {
    return this.events.filter((event) => event.type === type) as T[];
  }

  /** All the assistant's text, joined over every message of the run. */
  get text(): string {
    return this.ofType(EventType.TEXT_MESSAGE_CONTENT).map((event) => event.delta as string).join('');
  }

  /** Each text message's id and full text, in the order they started. */
  get textMessages(): Array<{ id: string; text: string }> {
    const messages = new Map<string, string>();
    for (const event of this.events as AnyEvent[]) {
      if (event.type === EventType.TEXT_MESSAGE_START) messages.set(event.messageId, '');
      if (event.type === EventType.TEXT_MESSAGE_CONTENT) messages.set(event.messageId, (messages.get(event.messageId) ?? '') + event.delta);
    }
    return [...messages].map(([id, text]) => ({ id, text }));
  }

  /** The reasoning text, joined. */
  get reasoning(): string {
    return this.ofType(EventType.REASONING_MESSAGE_CONTENT).map((event) => event.delta as string).join('');
  }

  /** Every tool call, in the order they started, with their results where the server ran them. */
  get toolCalls(): RunToolCall[] {
    const calls = new Map<string, RunToolCall>();
    for (const event of this.events as AnyEvent[]) {
      if (event.type === EventType.TOOL_CALL_START) {
        calls.set(event.toolCallId, { id: event.toolCallId, name: event.toolCallName, argsText: '', args: undefined, parentMessageId: event.parentMessageId });
      } else if (event.type === EventType.TOOL_CALL_ARGS) {
        const call = calls.get(event.toolCallId);
        if (call) call.argsText += event.delta;
      } else if (event.type === EventType.TOOL_CALL_RESULT) {
        const call = calls.get(event.toolCallId);
        if (call) Object.assign(call, { result: event.content, resultValue: parseJson(event.content, event.content) });
      }
    }
    return [...calls.values()].map((call) => ({ ...call, args: parseJson(call.argsText, undefined) }));
  }

  /** Every TOOL_CALL_RESULT, also those of calls made in an earlier run (a resumed approval, say). */
  get toolResults(): Array<{ toolCallId: string; content: string; value: unknown }> {
    return this.ofType(EventType.TOOL_CALL_RESULT).map((event) => ({ toolCallId: event.toolCallId, content: event.content, value: parseJson(event.content, event.content) }));
  }

  /** The first call of the tool `name`; throws when there is none, listing the calls there were. */
  toolCall(name: string): RunToolCall {
    const calls = this.toolCalls;
    const call = calls.find((candidate) => candidate.name === name);
    if (!call) throw new Error(`The run made no call to "${name}"; it called: ${calls.map((c) => c.name).join(', ') || 'no tool'}`);
    return call;
  }

  /** The state a client holds after the run: the input's, with every STATE_SNAPSHOT and STATE_DELTA applied. */
  get state(): any {
    let state: unknown = structuredClone(this.input.state ?? {});
    for (const event of this.events as AnyEvent[]) {
      if (event.type === EventType.STATE_SNAPSHOT) state = structuredClone(event.snapshot);
      if (event.type === EventType.STATE_DELTA) state = applyJsonPatch(state, event.delta);
    }
    return state;
  }

  /** The RUN_FINISHED event, or undefined when the run failed. */
  get finished(): RunFinishedEvent | undefined {
    return this.ofType<RunFinishedEvent>(EventType.RUN_FINISHED)[0];
  }

  /** The RUN_ERROR event, or undefined when the run finished. */
  get error(): RunErrorEvent | undefined {
    return this.ofType<RunErrorEvent>(EventType.RUN_ERROR)[0];
  }

  /** How the run finished: `success` (maybe with pendingToolCallIds), `interrupt`; undefined on RUN_ERROR. */
  get outcome(): RunFinishedOutcome | undefined {
    return this.finished?.outcome;
  }

  /** The interrupts the run ended with (tool approvals, say); empty when there are none. */
  get interrupts(): Interrupt[] {
    const outcome = this.outcome;
    return outcome?.type === 'interrupt' ? outcome.interrupts : [];
  }

  /** Frontend tool calls the client must run, from `outcome.pendingToolCallIds`. */
  get pendingToolCallIds(): string[] {
    const outcome = this.outcome as { pendingToolCallIds?: string[] } | undefined;
    return outcome?.pendingToolCallIds ?? [];
  }
}

function parseJson(text: string, otherwise: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return otherwise;
  }
}
