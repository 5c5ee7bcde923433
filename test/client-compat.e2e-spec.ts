import { EventType, PROTOCOL_VERSION, type BaseEvent, type Message } from '@ag-ui/core';
import { EventSchemas } from '@ag-ui/core/schemas';
import * as current from '@ag-ui/client';
import * as legacy from 'ag-ui-client-0059';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { expectValidRun, ofType, streamedText, type ClientChecks } from './support/ag-ui.assertions.js';
import { parseSse, userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';
import { ApprovalTools } from './fixtures/approval.tools.js';
import { StateTools } from './fixtures/state.tools.js';

type AnyEvent = BaseEvent & Record<string, any>;

/** The parts of an @ag-ui/client HttpAgent these tests drive; both versions have them. */
interface ClientAgent {
  threadId: string;
  messages: Message[];
  state: any;
  setMessages(messages: Message[]): void;
  setState(state: any): void;
  runAgent(parameters: Record<string, unknown>, subscriber: { onEvent(params: { event: BaseEvent }): void }): Promise<unknown>;
}

/** A client as its users install it: its HttpAgent, its own verifier and its own event schemas. */
interface Client extends ClientChecks {
  name: string;
  /** Sends no protocolVersion; must get the pre-1.0 shape. */
  legacy: boolean;
  agent(url: string): ClientAgent;
}

// The 0.0.59 client validates with the @ag-ui/core it ships with, not ours.
const legacyCore = createRequire(createRequire(import.meta.url).resolve('ag-ui-client-0059'))('@ag-ui/core');

const CLIENTS: Client[] = [
  {
    name: '@ag-ui/client 1.0',
    legacy: false,
    agent: (url) => new current.HttpAgent({ url, threadId: `thread-${randomUUID()}` }) as unknown as ClientAgent,
    verifyEvents: current.verifyEvents as Client['verifyEvents'],
    schemas: EventSchemas,
  },
  {
    name: '@ag-ui/client 0.0.59 (bundled by CopilotKit 1.74)',
    legacy: true,
    agent: (url) => new legacy.HttpAgent({ url, threadId: `thread-${randomUUID()}` }) as unknown as ClientAgent,
    verifyEvents: legacy.verifyEvents as unknown as Client['verifyEvents'],
    schemas: legacyCore.EventSchemas,
  },
];

/**
 * One run through `client`'s own HttpAgent. The client parses every event with its own
 * schemas and fails the run on one it refuses, so a resolved run is the client's acceptance;
 * the events are then checked again, explicitly, with that client's schemas and verifier.
 */
async function run(client: Client, agent: ClientAgent, options: { messages?: Message[]; runId?: string; tools?: unknown[]; resume?: unknown[] } = {}) {
  if (options.messages) agent.setMessages([...agent.messages, ...options.messages]);
  const runId = options.runId ?? `run-${randomUUID()}`;
  const events: AnyEvent[] = [];
  await agent.runAgent(
    { runId, tools: options.tools ?? [], context: [], forwardedProps: {}, ...(options.resume ? { resume: options.resume } : {}) },
    { onEvent: ({ event }) => void events.push(event as AnyEvent) },
  );
  await expectValidRun(events, { threadId: agent.threadId, runId }, client);
  const finished = events[events.length - 1]!;
  expect(finished.type).toBe(EventType.RUN_FINISHED);
  return { runId, events, finished };
}

const pickColor = {
  name: 'pickColor',
  description: 'Sets the page colour',
  parameters: { type: 'object', properties: { color: { type: 'string', enum: ['green', 'blue'] } }, required: ['color'] },
};

describe.each(PLATFORMS)('clients people use: AG-UI 1.0 and pre-1.0 (CopilotKit 1.74) (%s)', (platform) => {
  let t: TestApp;
  let approvals: ApprovalTools;
  let state: StateTools;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [ApprovalTools, StateTools],
      options: {
        agents: [
          { id: 'assistant', description: 'Test agent', instructions: 'You are a test agent.', model: 'test-model' },
          { id: 'full', description: 'Every optional event', model: 'test-model', events: { steps: true, messagesSnapshot: true } },
        ],
      },
    });
    approvals = t.app.get(ApprovalTools);
    state = t.app.get(StateTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    const leftover = { pendingReplies: t.fake.pending, errors: t.logger.errors().map((entry) => entry.message) };
    t.fake.reset();
    approvals.calls.length = 0;
    state.reset();
    t.logger.entries.length = 0;
    expect(leftover).toEqual({ pendingReplies: 0, errors: [] });
  });

  describe.each(CLIENTS)('$name', (client) => {
    it('streams text, reasoning, backend tools, state, progress, steps and a messages snapshot that the client accepts', async () => {
      t.fake.enqueue(
        { kind: 'tool-calls', reasoning: ['Let me ', 'look.'], calls: [{ id: 'call_touch', name: 'touch', args: '{}' }, { id: 'call_typed', name: 'reportTyped', args: '{}' }] },
        { kind: 'text', text: ['All ', 'done.'] },
      );
      const agent = client.agent(`${t.url}/agents/full`);
      agent.setState({ runs: 1 });
      const { events } = await run(client, agent, { messages: [userMessage('touch it')] });

      expect(streamedText(events)).toBe('All done.');
      expect(ofType<AnyEvent>(events, EventType.TOOL_CALL_RESULT).map((event) => event.toolCallId).sort()).toEqual(['call_touch', 'call_typed']);
      for (const type of [EventType.REASONING_MESSAGE_CONTENT, EventType.STATE_DELTA, EventType.ACTIVITY_SNAPSHOT, EventType.STEP_STARTED, EventType.MESSAGES_SNAPSHOT]) {
        expect(ofType(events, type).length).toBeGreaterThan(0);
      }
      // The client applied the deltas and holds the server's state.
      expect(agent.state).toEqual(JSON.parse(JSON.stringify(state.lastContext!.state)));
      expect(agent.state).toMatchObject({ runs: 2 });
      expect(agent.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'All done.' });
    });

    it(`ends a frontend tool's run in a shape the client accepts (${client.legacy ? 'no' : 'with'} pendingToolCallIds), and the client's result continues it`, async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_color', name: 'pickColor', args: ['{"color":', '"green"}'] }] });
      const agent = client.agent(t.agentUrl);
      const first = await run(client, agent, { messages: [userMessage('make the page green')], tools: [pickColor] });

      expect(first.finished.outcome).toEqual(client.legacy ? { type: 'success' } : { type: 'success', pendingToolCallIds: ['call_color'] });
      expect(agent.messages.at(-1)).toMatchObject({ role: 'assistant', toolCalls: [{ id: 'call_color', function: { name: 'pickColor' } }] });

      // The page ran the tool; its result goes back with the next run.
      t.fake.enqueue({ kind: 'text', text: 'The page is green now.' });
      const second = await run(client, agent, { messages: [{ id: randomUUID(), role: 'tool', toolCallId: 'call_color', content: 'done' }], tools: [pickColor] });
      expect(streamedText(second.events)).toBe('The page is green now.');
      expect(t.fake.requests[1]!.body.messages).toContainEqual({ role: 'tool', tool_call_id: 'call_color', content: 'done' });
    });

    it('takes CopilotKit’s resume: the interrupted run’s runId again, plus its own tool message for the call; the tool runs once', async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_refund', name: 'refundOrder', args: ['{"orderId":"ORD-1001",', '"amount":120}'] }] });
      const agent = client.agent(t.agentUrl);
      const first = await run(client, agent, { messages: [userMessage('refund order 1001')] });
      expect(first.finished.outcome).toMatchObject({ type: 'interrupt', interrupts: [{ reason: 'tool_approval', toolCallId: 'call_refund' }] });
      const [interrupt] = first.finished.outcome.interrupts;
      expect(approvals.calls).toEqual([]);

      t.fake.enqueue({ kind: 'text', text: 'Refunded.' });
      const copilotToolMessage: Message = { id: randomUUID(), role: 'tool', toolCallId: 'call_refund', content: JSON.stringify({ approved: true }) };
      const second = await run(client, agent, {
        runId: first.runId,
        messages: [copilotToolMessage],
        resume: [{ interruptId: interrupt.id, status: 'resolved', payload: { approved: true } }],
      });

      expect(approvals.ran('refundOrder')).toEqual([expect.objectContaining({ args: { orderId: 'ORD-1001', amount: 120 }, runId: first.runId })]);
      const results = ofType<AnyEvent>(second.events, EventType.TOOL_CALL_RESULT);
      expect(results).toEqual([expect.objectContaining({ toolCallId: 'call_refund' })]);
      expect(JSON.parse(results[0]!.content)).toMatchObject({ refunded: 120, status: 'done' });
      // The model reads one result for the call: the server's, not the client's approval payload.
      const toolMessages = t.fake.requests[1]!.body.messages.filter((message: any) => message.role === 'tool');
      expect(toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content: results[0]!.content }]);
      expect(streamedText(second.events)).toBe('Refunded.');
    });
  });

  it('the rule on the wire: no protocolVersion gets the pre-1.0 shape, "1.0" the full one', async () => {
    const post = async (protocolVersion?: string) => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_color', name: 'pickColor', args: '{"color":"blue"}' }] });
      const body = {
        threadId: `thread-${randomUUID()}`,
        runId: 'run-1',
        ...(protocolVersion ? { protocolVersion } : {}),
        messages: [userMessage('make it blue')],
        tools: [pickColor],
        context: [],
        state: {},
        forwardedProps: {},
      };
      const response = await fetch(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      return ofType<AnyEvent>(parseSse(await response.text()), EventType.RUN_FINISHED)[0]!.outcome;
    };
    expect(await post()).toEqual({ type: 'success' });
    expect(await post('0.0.59')).toEqual({ type: 'success' });
    expect(await post(PROTOCOL_VERSION)).toEqual({ type: 'success', pendingToolCallIds: ['call_color'] });
  });
});
