import { Injectable } from '@nestjs/common';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import { AgentTool, ToolContext, ToolParam, type AgentRunContext } from 'nestjs-ag-ui';
import { expectValidRun, ofType } from './support/ag-ui.assertions.js';
import { parseSse, runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type State = Record<string, unknown>;

/** Tools that leave the state alone, set it to what it already is, or change it. */
@Injectable()
class StateEventTools {
  readonly seen: unknown[] = [];

  @AgentTool({ description: 'Look something up' })
  lookUp() {
    return 'found';
  }

  @AgentTool({ description: 'Read the state' })
  readState(@ToolContext() context: AgentRunContext<unknown, State>) {
    this.seen.push(structuredClone(context.state));
    return Object.keys(context.state).length;
  }

  @AgentTool({ description: 'Set the state to what it already is' })
  setSame(@ToolContext() context: AgentRunContext<unknown, State>) {
    context.setState((state) => ({ ...state }));
    context.setState(structuredClone(context.state));
    return 'unchanged';
  }

  @AgentTool({ description: 'Pick a theme' })
  setTheme(@ToolParam('theme') theme: string, @ToolContext() context: AgentRunContext<unknown, State>) {
    context.setState((state) => ({ ...state, theme }));
    return theme;
  }

  @AgentTool({ description: 'Delete everything (asks first)', approval: true })
  deleteEverything() {
    return 'deleted';
  }

  @AgentTool({
    description: 'Send a message (asks first, and notes in the state that it asked)',
    approval: { when: (_args: unknown, context: AgentRunContext) => (context.setState((state: State) => ({ ...state, asked: true })), true) },
  })
  sendMessage() {
    return 'sent';
  }
}

const stateEvents = (events: readonly BaseEvent[]) =>
  (events as Array<BaseEvent & Record<string, unknown>>).filter((event) => event.type === EventType.STATE_SNAPSHOT || event.type === EventType.STATE_DELTA);

describe('state events are sent only when the state changed', () => {
  let t: TestApp;
  let tools: StateEventTools;

  beforeAll(async () => {
    t = await startTestApp({ providers: [StateEventTools] });
    tools = t.app.get(StateEventTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.fake.reset();
    tools.seen.length = 0;
  });

  const toolTurn = (...calls: Array<{ id: string; name: string; args?: string }>) => ({ kind: 'tool-calls' as const, calls: calls.map((call) => ({ args: '{}', ...call })) });

  /** A run posted as a client without a library would, with no `state` in the body (HttpAgent always sends one). */
  async function runWithoutState(...calls: Array<{ id: string; name: string; args?: string }>): Promise<BaseEvent[]> {
    t.fake.enqueue(toolTurn(...calls), { kind: 'text', text: 'done' });
    const input = { threadId: `thread-${randomUUID()}`, runId: `run-${randomUUID()}` };
    const response = await fetch(t.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ ...input, messages: [userMessage('go')], tools: [], context: [] }),
    });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    await expectValidRun(events, input);
    return events;
  }

  it('no state in the input and tools that do not touch it: no STATE_* event at all', async () => {
    const events = await runWithoutState({ id: 'a', name: 'lookUp' }, { id: 'b', name: 'readState' });

    expect(stateEvents(events)).toEqual([]);
    expect(ofType(events, EventType.TOOL_CALL_RESULT)).toHaveLength(2);
    // The tool still saw an object to spread.
    expect(tools.seen).toEqual([{}]);
  });

  it('no state in the input and a tool that sets it to what it is: no STATE_* event', async () => {
    const events = await runWithoutState({ id: 'same', name: 'setSame' });
    expect(stateEvents(events)).toEqual([]);
  });

  it('no state in the input and a tool that changes it: one STATE_SNAPSHOT, before the tool’s result', async () => {
    const events = await runWithoutState({ id: 'theme', name: 'setTheme', args: '{"theme":"dark"}' });

    expect(stateEvents(events)).toEqual([expect.objectContaining({ type: EventType.STATE_SNAPSHOT, snapshot: { theme: 'dark' } })]);
    const snapshotAt = events.findIndex((event) => event.type === EventType.STATE_SNAPSHOT);
    expect(snapshotAt).toBe(events.findIndex((event) => event.type === EventType.TOOL_CALL_RESULT) - 1);
  });

  it('a client state: nothing for tools that leave it or set it to what it is, a STATE_DELTA for a change', async () => {
    t.fake.enqueue(
      toolTurn({ id: 'a', name: 'lookUp' }, { id: 'b', name: 'readState' }, { id: 'c', name: 'setSame' }),
      toolTurn({ id: 'd', name: 'setTheme', args: '{"theme":"dark"}' }),
      { kind: 'text', text: 'done' },
    );
    const result = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('go')], state: { theme: 'light', items: [1, 2] } });
    await expectValidRun(result.events, result.input);

    expect(stateEvents(result.events)).toEqual([expect.objectContaining({ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/theme', value: 'dark' }] })]);
    expect(result.agent.state).toEqual({ theme: 'dark', items: [1, 2] });
  });

  it('a run that ends waiting for an approval sends no state event when nothing changed it', async () => {
    const events = await runWithoutState({ id: 'x', name: 'lookUp' }, { id: 'y', name: 'deleteEverything' });

    expect(stateEvents(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: EventType.RUN_FINISHED, outcome: { type: 'interrupt' } });
  });

  it('a change made while deciding on an approval is sent before the run ends with the interrupt', async () => {
    const events = await runWithoutState({ id: 'm', name: 'sendMessage' });

    expect(stateEvents(events)).toEqual([expect.objectContaining({ type: EventType.STATE_SNAPSHOT, snapshot: { asked: true } })]);
    expect(events.at(-1)).toMatchObject({ type: EventType.RUN_FINISHED, outcome: { type: 'interrupt' } });
  });
});
