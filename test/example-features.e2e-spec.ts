import { EventType, type BaseEvent, type Message, type ResumeEntry } from '@ag-ui/core';
import type { HttpAgent } from '@ag-ui/client';
import { randomUUID } from 'node:crypto';
import { startExampleApp, type ExampleApp } from './support/example-app.process.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage, type AgentRun } from './support/http-agent.client.js';

async function login(url: string, username: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: `${username}-demo` }) });
  const { access_token } = (await response.json()) as { access_token: string };
  return { authorization: `Bearer ${access_token}` };
}

/** Answers the agent's pending interrupts in a new run, as a UI's Approve / Reject buttons do. */
const resume = (agent: HttpAgent, answers: ResumeEntry[]): Promise<AgentRun> => runWithHttpAgent({ agent, resume: answers });

/** An order's status as the agent's listMyOrders tool reports it. */
async function statusOf(headers: Record<string, string>, url: string, orderId: string): Promise<string> {
  const run = await runWithHttpAgent({ url, headers, messages: [userMessage('show me my orders')] });
  const orders = JSON.parse(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!.content) as Array<{ id: string; status: string }>;
  return orders.find((order) => order.id === orderId)!.status;
}

function interruptsOf(run: AgentRun) {
  const finished = ofType(run.events, EventType.RUN_FINISHED)[0]!;
  expect(finished.outcome?.type).toBe('interrupt');
  return finished.outcome.interrupts as Array<{ id: string; toolCallId: string; message: string; reason: string }>;
}

/**
 * The seven AG-UI features front ends such as CopilotKit build on, each shown by the example
 * app exactly as `npm start` runs it (offline model, JWT auth), through the real HttpAgent.
 */
describe('example app: the seven AG-UI features', () => {
  let app: ExampleApp;
  let agentUrl: string;
  let asAlice: Record<string, string>;

  beforeAll(async () => {
    app = await startExampleApp({ SHIPMENT_STEP_MS: '150' });
    agentUrl = `${app.url}/agents/support`;
    asAlice = await login(app.url, 'alice');
  });
  afterAll(() => app.stop(), 15_000);

  const ask = (text: string, extra: Partial<Parameters<typeof runWithHttpAgent>[0]> = {}) =>
    runWithHttpAgent({ url: agentUrl, headers: asAlice, messages: [userMessage(text)], ...extra });

  it('agentic chat: streams the reply token by token, with steps and a closing messages snapshot', async () => {
    const run = await ask('hello there');
    await expectValidRun(run.events, run.input);
    expect(ofType(run.events, EventType.TEXT_MESSAGE_CONTENT).length).toBeGreaterThan(5);
    expect(run.events.map((event) => event.type).slice(-3)).toEqual([EventType.STEP_FINISHED, EventType.MESSAGES_SNAPSHOT, EventType.RUN_FINISHED]);
    const snapshot = ofType(run.events, EventType.MESSAGES_SNAPSHOT)[0]!.messages as Message[];
    expect(snapshot.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(run.messages).toEqual(snapshot);
  });

  it('backend tool rendering: the call, its arguments and its result stream for the UI to render', async () => {
    const run = await ask('get order ORD-1001 with its items');
    await expectValidRun(run.events, run.input);
    const start = ofType(run.events, EventType.TOOL_CALL_START)[0]!;
    expect(start.toolCallName).toBe('getOrder');
    const args = ofType(run.events, EventType.TOOL_CALL_ARGS).map((event) => event.delta).join('');
    expect(JSON.parse(args)).toEqual({ orderId: 'ORD-1001' });
    const result = ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!;
    expect(result.toolCallId).toBe(start.toolCallId);
    expect(JSON.parse(result.content)).toMatchObject({ id: 'ORD-1001', items: [expect.objectContaining({ name: 'Mechanical keyboard' })] });
  });

  it('human in the loop: a refund stops for approval, and runs once when approved', async () => {
    const asked = await ask('refund order ORD-1002 because the mouse arrived broken');
    await expectValidRun(asked.events, asked.input);
    const [interrupt] = interruptsOf(asked);
    expect(interrupt).toMatchObject({ reason: 'tool_approval', message: 'Refund order ORD-1002 in full? This cannot be undone.' });
    expect(ofType(asked.events, EventType.TOOL_CALL_RESULT)).toHaveLength(0);

    const approved = await resume(asked.agent, [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }]);
    await expectValidRun(approved.events, approved.input);
    const [result] = ofType(approved.events, EventType.TOOL_CALL_RESULT);
    expect(result!.toolCallId).toBe(interrupt!.toolCallId);
    expect(JSON.parse(result!.content)).toMatchObject({ orderId: 'ORD-1002', refunded: 50, status: 'refunded' });
    expect(streamedText(approved.events)).toContain('refunded');

    // A replay of the same answer is refused before anything runs.
    const replay = await fetch(agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAlice },
      body: JSON.stringify({ threadId: asked.input.threadId, runId: 'replay', messages: [], resume: [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }] }),
    });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: 'INTERRUPT_NOT_PENDING' });

    expect(await statusOf(asAlice, agentUrl, 'ORD-1002')).toBe('refunded');
  });

  it('human in the loop: a rejected refund never runs, and the model is told why', async () => {
    const asked = await ask('refund order ORD-1001, I changed my mind');
    const [interrupt] = interruptsOf(asked);
    const rejected = await resume(asked.agent, [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: false, reason: 'keep it after all' } }]);
    await expectValidRun(rejected.events, rejected.input);
    expect(ofType(rejected.events, EventType.TOOL_CALL_RESULT)[0]!.content).toBe(
      'The user declined this call of refundOrder; it was not run. Their reason: keep it after all',
    );
    expect(await statusOf(asAlice, agentUrl, 'ORD-1001')).toBe('shipped');
  });

  it('agentic generative UI: the shipment trace reports each step while it runs, before its result', async () => {
    // Arrival times at the client: progress sent while the tool sleeps between steps must not wait for its result.
    const arrived = new Map<BaseEvent, number>();
    const run = await runWithHttpAgent({ url: agentUrl, headers: asAlice, messages: [userMessage('trace the shipment of ORD-1001')], onEvent: (event) => arrived.set(event, Date.now()) });
    await expectValidRun(run.events, run.input);
    const progress = run.events.filter((event) => event.type === EventType.ACTIVITY_SNAPSHOT || event.type === EventType.ACTIVITY_DELTA);
    expect(progress.map((event) => event.type)).toEqual([EventType.ACTIVITY_SNAPSHOT, EventType.ACTIVITY_DELTA, EventType.ACTIVITY_DELTA, EventType.ACTIVITY_DELTA]);
    expect(progress[1]).toMatchObject({ patch: [{ op: 'replace', path: '/step', value: 'Reading the hub scans' }, { op: 'replace', path: '/done', value: 1 }] });
    const result = ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!;
    const types = run.events.map((event) => event.type);
    expect(types.lastIndexOf(EventType.ACTIVITY_DELTA)).toBeLessThan(types.indexOf(EventType.TOOL_CALL_RESULT));
    // The tool sleeps 3 × 150 ms after its first report: had the stream held the report back, both would arrive together.
    expect(arrived.get(result)! - arrived.get(progress[0]!)!).toBeGreaterThanOrEqual(300);
    const card = run.messages.find((message) => message.role === 'activity');
    expect(card).toMatchObject({ activityType: 'progress', content: { orderId: 'ORD-1001', step: 'Done', done: 3, total: 3 } });
  });

  it('tool-based generative UI: a tool the page declares is called for the page to render, and the reply follows its answer', async () => {
    const showOrderCard = {
      name: 'showOrderCard',
      description: 'Show an order as a card in the page',
      parameters: { type: 'object', properties: { orderId: { type: 'string', pattern: '^ORD-\\d{4}$' } }, required: ['orderId'] },
    };
    const first = await ask('show the order card of ORD-1002', { tools: [showOrderCard] });
    await expectValidRun(first.events, first.input);
    const call = ofType(first.events, EventType.TOOL_CALL_START)[0]!;
    expect(call.toolCallName).toBe('showOrderCard');
    expect(ofType(first.events, EventType.TOOL_CALL_RESULT)).toHaveLength(0);
    expect(ofType(first.events, EventType.RUN_FINISHED)[0]!.outcome).toEqual({ type: 'success', pendingToolCallIds: [call.toolCallId] });

    const answered = await runWithHttpAgent({
      agent: first.agent,
      headers: asAlice,
      tools: [showOrderCard],
      messages: [{ id: randomUUID(), role: 'tool', toolCallId: call.toolCallId, content: 'Card shown for ORD-1002' }],
    });
    await expectValidRun(answered.events, answered.input);
    expect(streamedText(answered.events)).toContain('Card shown for ORD-1002');
  });

  it('shared state: the watchlist a tool changes equals the client state, and the client keeps its own changes between runs', async () => {
    const first = await ask('watch order ORD-1002', { state: { watchlist: [] } });
    await expectValidRun(first.events, first.input);
    expect(ofType(first.events, EventType.STATE_DELTA)[0]!.delta).toEqual([{ op: 'add', path: '/watchlist/0', value: 'ORD-1002' }]);
    expect(first.agent.state).toEqual({ watchlist: ['ORD-1002'] });
    const result = JSON.parse(ofType(first.events, EventType.TOOL_CALL_RESULT)[0]!.content);
    expect(result.watching).toEqual(first.agent.state.watchlist);

    // The page edits the state itself; the next run starts from the page's version.
    first.agent.setState({ watchlist: ['ORD-1002'], draft: 'written by hand' });
    const second = await runWithHttpAgent({ agent: first.agent, headers: asAlice, messages: [userMessage('watch order ORD-1001 too')] });
    await expectValidRun(second.events, second.input);
    expect(second.agent.state).toEqual({ watchlist: ['ORD-1002', 'ORD-1001'], draft: 'written by hand' });

    // State that does not fit the agent's state schema is refused before any stream.
    const refused = await fetch(agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAlice },
      body: JSON.stringify({ threadId: `t-${randomUUID()}`, runId: 'r', messages: [userMessage('hello')], state: { watchlist: ['not an order'] } }),
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/^state does not match the state schema of agent "support"/);
  });

  it('predictive state: the draft is announced as state before the call streams, and is the state once it ran', async () => {
    const run = await ask('draft a message: the keyboard works again, thanks', { state: {} });
    await expectValidRun(run.events, run.input);
    const types = run.events.map((event) => event.type);
    const predict = types.indexOf(EventType.CUSTOM);
    expect(run.events[predict]).toMatchObject({ name: 'PredictState', value: [{ state_key: 'draft', tool: 'draftMessage', tool_argument: 'text' }] });
    expect(types[predict + 1]).toBe(EventType.TOOL_CALL_START);
    const args = JSON.parse(ofType(run.events, EventType.TOOL_CALL_ARGS).map((event) => event.delta).join(''));
    expect(run.agent.state).toEqual({ draft: args.text });
    expect(types.indexOf(EventType.STATE_DELTA)).toBeLessThan(types.indexOf(EventType.TOOL_CALL_RESULT));
  });
});

describe('example app: approvals that expire', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp({ APPROVAL_TTL_MS: '200' });
  });
  afterAll(() => app.stop(), 15_000);

  it('refuses to approve an expired refund, which then can only be cancelled, and never runs it', async () => {
    const asAlice = await login(app.url, 'alice');
    const asked = await runWithHttpAgent({ url: `${app.url}/agents/support`, headers: asAlice, messages: [userMessage('refund order ORD-1001 please')] });
    const [interrupt] = interruptsOf(asked);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const late = await fetch(`${app.url}/agents/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAlice },
      body: JSON.stringify({ threadId: asked.input.threadId, runId: 'late', messages: asked.messages, resume: [{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }] }),
    });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: 'INTERRUPT_EXPIRED' });

    const cancelled = await resume(asked.agent, [{ interruptId: interrupt!.id, status: 'cancelled' }]);
    await expectValidRun(cancelled.events, cancelled.input);
    expect(ofType(cancelled.events, EventType.TOOL_CALL_RESULT)[0]!.content).toBe('The user cancelled this call of refundOrder; it was not run.');
    expect(await statusOf(asAlice, `${app.url}/agents/support`, 'ORD-1001')).toBe('shipped');
  });
});
