import { UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { EventType, type BaseEvent, type Interrupt, type Message, type ResumeEntry } from '@ag-ui/core';
import type { HttpAgent } from '@ag-ui/client';
import { randomUUID } from 'node:crypto';
import { InMemoryThreadOwnershipStore } from 'nestjs-ag-ui';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { parseSse, runWithHttpAgent, userMessage, type AgentRun } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';
import { ApprovalTools, ARCHIVE_TTL_MS } from './fixtures/approval.tools.js';

type AnyEvent = BaseEvent & Record<string, any>;
type Call = { id: string; name: string; args: string | string[] };

const MODULE_TTL_MS = 30 * 60_000;
const ONE_HOUR_MS = 60 * 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const approve = (interrupt: Interrupt, args?: unknown): ResumeEntry => ({
  interruptId: interrupt.id,
  status: 'resolved',
  payload: args === undefined ? { approved: true } : { approved: true, args },
});
const reject = (interrupt: Interrupt, reason?: string): ResumeEntry => ({
  interruptId: interrupt.id,
  status: 'resolved',
  payload: reason === undefined ? { approved: false } : { approved: false, reason },
});
const cancel = (interrupt: Interrupt): ResumeEntry => ({ interruptId: interrupt.id, status: 'cancelled' });

/** The body a client would POST to continue `agent`'s thread: its history, a fresh runId, and `extra` (resume…). */
function bodyFor(agent: HttpAgent, extra: Record<string, unknown> = {}) {
  return {
    threadId: agent.threadId,
    runId: `run-${randomUUID()}`,
    protocolVersion: '1.0',
    messages: agent.messages.filter((message) => message.role !== 'activity'),
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
    ...extra,
  };
}

type RawAnswer = { status: number; contentType: string; json?: any; events?: AnyEvent[] };

/** A POST without any client library: JSON in, SSE (or a JSON error) out. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  if (contentType.startsWith('application/json')) return { status: response.status, contentType, json: JSON.parse(text) };
  return { status: response.status, contentType, events: parseSse(text) as AnyEvent[] };
}

/**
 * Awaits a run HttpAgent must refuse. HttpAgent logs its failure with console.error before
 * rejecting; that expected line is kept out of the test output (and checked).
 */
async function refused(run: Promise<unknown>): Promise<unknown> {
  const original = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    return await run.then(
      () => {
        throw new Error('expected the run to be refused');
      },
      (error: unknown) => error,
    );
  } finally {
    console.error = original;
    for (const [first] of logged) expect(String(first)).toMatch(/^Agent execution failed/);
  }
}

const finishedOf = (events: readonly BaseEvent[]) => ofType<AnyEvent>(events, EventType.RUN_FINISHED)[0]!;
const interruptsOf = (events: readonly BaseEvent[]): Interrupt[] => {
  const outcome = finishedOf(events).outcome;
  return outcome?.type === 'interrupt' ? outcome.interrupts : [];
};
const resultsOf = (events: readonly BaseEvent[]) =>
  new Map(ofType<AnyEvent>(events, EventType.TOOL_CALL_RESULT).map((event) => [event.toolCallId as string, event.content as string]));

/** The messages the model was sent right after the assistant message carrying `toolCallId`. */
function modelHistoryAround(requestBody: any, toolCallId: string) {
  const messages: any[] = requestBody.messages;
  const at = messages.findIndex((message) => message.role === 'assistant' && message.tool_calls?.some((call: any) => call.id === toolCallId));
  expect(at).toBeGreaterThanOrEqual(0);
  const following: any[] = [];
  for (let i = at + 1; i < messages.length && messages[i].role === 'tool'; i++) following.push(messages[i]);
  return { assistant: messages[at], toolMessages: following, rest: messages.slice(at + 1 + following.length) };
}

describe.each(PLATFORMS)('human in the loop: tools that need approval (AG-UI 1.0 interrupts) (%s)', (platform) => {
  let t: TestApp;
  let tools: ApprovalTools;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [ApprovalTools],
      options: {
        approvalTtlMs: MODULE_TTL_MS,
        agents: [
          { id: 'assistant', description: 'Test agent', instructions: 'You are a test agent.', model: 'test-model' },
          { id: 'auditor', instructions: 'You audit.', model: 'test-model', events: { steps: true, messagesSnapshot: true } },
        ],
      },
    });
    tools = t.app.get(ApprovalTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    const leftover = { pendingReplies: t.fake.pending, refusedSchemas: [...t.fake.rejected], errors: t.logger.errors().map((entry) => entry.message) };
    t.fake.reset();
    tools.calls.length = 0;
    t.logger.entries.length = 0;
    // Every scripted reply was used, no schema was refused, and nothing failed unseen.
    expect(leftover).toEqual({ pendingReplies: 0, refusedSchemas: [], errors: [] });
  });

  /** Run 1: the model calls `calls`; the run is checked and must end with an interrupt. */
  async function interruptedRun(calls: Call[], options: { url?: string; prompt?: string } = {}) {
    t.fake.enqueue({ kind: 'tool-calls', calls });
    const before = Date.now();
    const run = await runWithHttpAgent({ url: options.url ?? t.agentUrl, messages: [userMessage(options.prompt ?? 'please do it')] });
    await expectValidRun(run.events, run.input);
    const interrupts = interruptsOf(run.events);
    expect(interrupts.length).toBeGreaterThan(0);
    return { ...run, interrupts, before, after: Date.now() };
  }

  /** A run on the same thread through the same HttpAgent, answering with `resume`; the model then says `reply`. */
  async function resumedRun(run: AgentRun, resume: ResumeEntry[], reply = 'Done.') {
    t.fake.enqueue({ kind: 'text', text: reply });
    const next = await runWithHttpAgent({ agent: run.agent, resume });
    await expectValidRun(next.events, next.input);
    expect(next.input.threadId).toBe(run.input.threadId);
    expect(next.input.runId).not.toBe(run.input.runId);
    return next;
  }

  const refundCall: Call = { id: 'call_refund', name: 'refundOrder', args: ['{"orderId":"ORD-1001",', '"amount":120}'] };

  it('1. approve: run 1 stops with a complete interrupt before the tool runs; the resume runs it once and the model continues', async () => {
    const run1 = await interruptedRun([refundCall], { prompt: 'refund order 1001' });

    // The call is streamed in full, with no result: it has not run.
    expect(ofType<AnyEvent>(run1.events, EventType.TOOL_CALL_START)).toEqual([expect.objectContaining({ toolCallId: 'call_refund', toolCallName: 'refundOrder' })]);
    expect(ofType<AnyEvent>(run1.events, EventType.TOOL_CALL_ARGS).map((event) => event.delta).join('')).toBe('{"orderId":"ORD-1001","amount":120}');
    expect(ofType(run1.events, EventType.TOOL_CALL_END)).toHaveLength(1);
    expect(ofType(run1.events, EventType.TOOL_CALL_RESULT)).toEqual([]);
    expect(tools.calls).toEqual([]);

    // Every field of the interrupt.
    const info = await (await fetch(`${t.url}/agents`)).json();
    const refundParameters = info.agents[0].tools.find((tool: any) => tool.name === 'refundOrder').parameters;
    expect(refundParameters).toMatchObject({
      type: 'object',
      properties: { orderId: { type: 'string', pattern: '^ORD-\\d{4}$' }, amount: { type: 'number', maximum: 500 } },
    });
    expect(run1.interrupts).toHaveLength(1);
    const [interrupt] = run1.interrupts as [Interrupt];
    expect(interrupt).toEqual({
      id: expect.stringMatching(/^int_[0-9a-f-]{36}$/),
      reason: 'tool_approval',
      message: 'Allow refundOrder to run with {"orderId":"ORD-1001","amount":120}?',
      toolCallId: 'call_refund',
      responseSchema: {
        type: 'object',
        properties: {
          approved: { type: 'boolean', description: expect.any(String) },
          args: { ...refundParameters, description: expect.any(String) },
          reason: { type: 'string', description: expect.any(String) },
        },
        required: ['approved'],
        additionalProperties: false,
      },
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      metadata: { toolName: 'refundOrder', args: { orderId: 'ORD-1001', amount: 120 } },
    });
    // The module's approvalTtlMs (30 min), counted from when the run stopped.
    const expiresAt = Date.parse(interrupt.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(run1.before + MODULE_TTL_MS);
    expect(expiresAt).toBeLessThanOrEqual(run1.after + MODULE_TTL_MS);

    // What the client holds: the user's message and the assistant's call, and the interrupt.
    expect(run1.agent.pendingInterrupts).toEqual(run1.interrupts);
    expect(run1.messages).toEqual([
      expect.objectContaining({ role: 'user', content: 'refund order 1001' }),
      expect.objectContaining({
        role: 'assistant',
        toolCalls: [{ id: 'call_refund', type: 'function', function: { name: 'refundOrder', arguments: '{"orderId":"ORD-1001","amount":120}' } }],
      }),
    ]);
    expect(t.fake.requests).toHaveLength(1);

    // Run 2: approve.
    const run2 = await resumedRun(run1, [approve(interrupt)], 'Refunded 120 EUR.');
    const [result] = ofType<AnyEvent>(run2.events, EventType.TOOL_CALL_RESULT);
    expect(result).toMatchObject({ toolCallId: 'call_refund', role: 'tool' });
    expect(JSON.parse(result!.content)).toEqual({ refunded: 120, orderId: 'ORD-1001', status: 'done' });
    expect(streamedText(run2.events)).toBe('Refunded 120 EUR.');
    // The result comes before the model's turn, and the run ends as a plain success.
    const types = run2.events.map((event) => event.type);
    expect(types.indexOf(EventType.TOOL_CALL_RESULT)).toBeLessThan(types.indexOf(EventType.TEXT_MESSAGE_START));
    expect(finishedOf(run2.events).outcome?.type ?? 'success').toBe('success');
    expect(run2.agent.pendingInterrupts).toEqual([]);

    // The model read its call, then the result.
    expect(t.fake.requests).toHaveLength(2);
    const seen = modelHistoryAround(t.fake.requests[1]!.body, 'call_refund');
    expect(seen.assistant.tool_calls).toEqual([{ id: 'call_refund', type: 'function', function: { name: 'refundOrder', arguments: '{"orderId":"ORD-1001","amount":120}' } }]);
    expect(seen.toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content: result!.content }]);
    expect(seen.rest).toEqual([]);

    // It ran exactly once, in run 2, with the model's arguments.
    expect(tools.calls).toEqual([{ name: 'refundOrder', args: { orderId: 'ORD-1001', amount: 120 }, runId: run2.input.runId, toolCallId: 'call_refund' }]);
    // The client's history: user, call, result, answer.
    expect(run2.messages.map((message: Message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('1b. with steps and a messages snapshot on, both streams stay valid and the snapshot places the result after its call', async () => {
    const url = `${t.url}/agents/auditor`;
    const run1 = await interruptedRun([refundCall], { url });
    const snapshot1 = ofType<AnyEvent>(run1.events, EventType.MESSAGES_SNAPSHOT)[0]!;
    expect(snapshot1.messages.map((message: Message) => message.role)).toEqual(['user', 'assistant']);

    const run2 = await resumedRun(run1, [approve(run1.interrupts[0]!)]);
    expect(ofType<AnyEvent>(run2.events, EventType.STEP_STARTED).map((event) => event.stepName)).toEqual(['tool:refundOrder:call_refund', 'model:1']);
    const snapshot2 = ofType<AnyEvent>(run2.events, EventType.MESSAGES_SNAPSHOT)[0]!;
    expect(snapshot2.messages.map((message: Message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(snapshot2.messages[2]).toMatchObject({ role: 'tool', toolCallId: 'call_refund' });
    expect(run2.messages.map((message: Message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(tools.ran('refundOrder')).toHaveLength(1);
  });

  it('1c. an interrupt is resumed only on the agent that issued it: another agent’s endpoint is a 400, nothing consumed', async () => {
    const run1 = await interruptedRun([refundCall], { url: `${t.url}/agents/auditor` });
    const wrongAgent = await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(run1.interrupts[0]!)] }));
    expect(wrongAgent.status).toBe(400);
    expect(wrongAgent.json).toMatchObject({ statusCode: 400, error: 'INVALID_INPUT', message: expect.stringContaining('belongs to agent "auditor"') });
    expect(t.fake.requests).toHaveLength(1);

    await resumedRun(run1, [approve(run1.interrupts[0]!)]);
    expect(tools.ran('refundOrder')).toHaveLength(1);
  });

  it('2. approve with edited arguments: they are checked again; a bad edit is a 400 that consumes nothing, a good one runs', async () => {
    const run1 = await interruptedRun([refundCall]);
    const [interrupt] = run1.interrupts as [Interrupt];

    // Over the schema's maximum: refused before any stream, by HTTP.
    expect(await refused(runWithHttpAgent({ agent: run1.agent, resume: [approve(interrupt, { orderId: 'ORD-1001', amount: 900 })] }))).toMatchObject({
      status: 400,
      payload: { statusCode: 400, error: 'INVALID_INPUT', message: expect.stringMatching(/edited arguments are invalid.*amount/) },
    });
    // Not a pattern match either, sent raw.
    const badPattern = await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(interrupt, { orderId: 'order-1', amount: 10 })] }));
    expect(badPattern).toMatchObject({ status: 400, json: { error: 'INVALID_INPUT', message: expect.stringContaining('orderId') } });
    // A payload that is not an approval at all.
    for (const payload of [{ approved: 'yes' }, 'yes', null, { approved: false, reason: 42 }]) {
      const malformed = await post(t.agentUrl, bodyFor(run1.agent, { resume: [{ interruptId: interrupt.id, status: 'resolved', payload }] }));
      expect({ payload, status: malformed.status, error: malformed.json?.error }).toEqual({ payload, status: 400, error: 'INVALID_INPUT' });
    }
    // Nothing ran, the model was not asked, and the client still knows the interrupt.
    expect(tools.calls).toEqual([]);
    expect(t.fake.requests).toHaveLength(1);
    expect(run1.agent.pendingInterrupts).toEqual([interrupt]);

    const run2 = await resumedRun(run1, [approve(interrupt, { orderId: 'ORD-1002', amount: 80 })]);
    expect(JSON.parse(resultsOf(run2.events).get('call_refund')!)).toEqual({ refunded: 80, orderId: 'ORD-1002', status: 'done' });
    expect(tools.calls).toEqual([{ name: 'refundOrder', args: { orderId: 'ORD-1002', amount: 80 }, runId: run2.input.runId, toolCallId: 'call_refund' }]);
    const seen = modelHistoryAround(t.fake.requests[1]!.body, 'call_refund');
    expect(seen.toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content: resultsOf(run2.events).get('call_refund') }]);
    // The model reads the call as it ran: with the user's arguments, not its own first proposal.
    expect(JSON.parse(seen.assistant.tool_calls[0].function.arguments)).toEqual({ orderId: 'ORD-1002', amount: 80 });
  });

  it('3a. reject with a reason: the model reads that it was declined and why; the tool never runs', async () => {
    const run1 = await interruptedRun([refundCall]);
    const run2 = await resumedRun(run1, [reject(run1.interrupts[0]!, '  The customer already got a voucher.  ')], 'Understood, no refund.');
    const content = resultsOf(run2.events).get('call_refund')!;
    expect(content).toMatch(/declined/);
    expect(content).toContain('The customer already got a voucher.');
    expect(content).not.toMatch(/^Error/);
    expect(streamedText(run2.events)).toBe('Understood, no refund.');
    expect(tools.calls).toEqual([]);
    const seen = modelHistoryAround(t.fake.requests[1]!.body, 'call_refund');
    expect(seen.toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content }]);
  });

  it('3b. reject without a reason, and cancel: each is a tool result saying so; the tool never runs', async () => {
    const declined = await interruptedRun([refundCall]);
    const run2 = await resumedRun(declined, [reject(declined.interrupts[0]!)]);
    expect(resultsOf(run2.events).get('call_refund')).toBe('The user declined this call of refundOrder; it was not run.');

    t.fake.reset();
    const cancelled = await interruptedRun([refundCall]);
    const run3 = await resumedRun(cancelled, [cancel(cancelled.interrupts[0]!)]);
    const content = resultsOf(run3.events).get('call_refund')!;
    expect(content).toMatch(/cancelled/);
    expect(modelHistoryAround(t.fake.requests[1]!.body, 'call_refund').toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content }]);
    expect(tools.calls).toEqual([]);
  });

  it('4. replay: the same resume sent again is a 409 INTERRUPT_NOT_PENDING, and the tool ran once; an id never issued likewise', async () => {
    const run1 = await interruptedRun([refundCall]);
    const resume = [approve(run1.interrupts[0]!)];
    const before = bodyFor(run1.agent, { resume });
    await resumedRun(run1, resume);
    expect(tools.ran('refundOrder')).toHaveLength(1);

    // The body the client sent for run 2 (its history then), with a new runId.
    const replay = await post(t.agentUrl, { ...before, runId: `run-${randomUUID()}` });
    expect(replay).toMatchObject({
      status: 409,
      contentType: expect.stringMatching(/^application\/json/),
      json: { statusCode: 409, error: 'INTERRUPT_NOT_PENDING', interruptIds: [run1.interrupts[0]!.id] },
    });
    // The same with the client's current history.
    expect((await post(t.agentUrl, bodyFor(run1.agent, { resume }))).json?.error).toBe('INTERRUPT_NOT_PENDING');
    expect(tools.ran('refundOrder')).toHaveLength(1);
    expect(t.fake.requests).toHaveLength(2);

    const invented = await post(t.agentUrl, bodyFor(run1.agent, { resume: [{ interruptId: 'int_never-issued', status: 'resolved', payload: { approved: true } }] }));
    expect(invented).toMatchObject({ status: 409, json: { error: 'INTERRUPT_NOT_PENDING', interruptIds: ['int_never-issued'] } });

    // The thread is free again: a normal run goes through.
    t.fake.enqueue({ kind: 'text', text: 'Anything else?' });
    const next = await runWithHttpAgent({ agent: run1.agent, messages: [userMessage('thanks')] });
    await expectValidRun(next.events, next.input);
    expect(streamedText(next.events)).toBe('Anything else?');
  });

  it('5. a run that ignores the pending interrupt: HttpAgent refuses it itself; sent anyway it is a 409 INTERRUPT_PENDING, and nothing happens', async () => {
    const run1 = await interruptedRun([refundCall]);
    const [interrupt] = run1.interrupts as [Interrupt];

    // The reference client will not send it.
    await expect(run1.agent.runAgent({ runId: `run-${randomUUID()}` })).rejects.toThrow(`Thread has 1 pending interrupt(s) not addressed by resume: ${interrupt.id}`);
    await expect(run1.agent.runAgent({ resume: [{ interruptId: 'int_other', status: 'cancelled' }] })).rejects.toThrow(/not addressed by resume/);

    // Raw, as a client that lost track would.
    const raw = await post(t.agentUrl, bodyFor(run1.agent, { messages: [...run1.agent.messages, userMessage('never mind, do something else')] }));
    expect(raw.status).toBe(409);
    expect(raw.json).toEqual({
      statusCode: 409,
      error: 'INTERRUPT_PENDING',
      message: expect.stringContaining(interrupt.id),
      interrupts: [{ id: interrupt.id, toolCallId: 'call_refund', expiresAt: interrupt.expiresAt }],
    });
    // A fresh HttpAgent on the same thread (it knows no interrupt) is told the same by the server.
    const { HttpAgent } = await import('@ag-ui/client');
    const stranger = new HttpAgent({ url: t.agentUrl, threadId: run1.input.threadId });
    stranger.setMessages([userMessage('hello?')]);
    expect(await refused(stranger.runAgent({}))).toMatchObject({ status: 409, payload: { error: 'INTERRUPT_PENDING' } });

    // No model request, no tool ran.
    expect(t.fake.requests).toHaveLength(1);
    expect(tools.calls).toEqual([]);

    // The interrupt is still there to be answered.
    const run2 = await resumedRun(run1, [approve(interrupt)]);
    expect(resultsOf(run2.events).has('call_refund')).toBe(true);
    expect(tools.ran('refundOrder')).toHaveLength(1);
  });

  it('6. expired: approving is refused (by HttpAgent, and 409 INTERRUPT_EXPIRED by the server) without consuming it; cancelling frees the thread', async () => {
    const run1 = await interruptedRun([{ id: 'call_archive', name: 'archiveTicket', args: '{"ticketId":"T-77"}' }]);
    const [interrupt] = run1.interrupts as [Interrupt];
    expect(interrupt).toMatchObject({
      reason: 'tool_approval',
      message: 'Archive ticket T-77? It cannot be reopened.',
      toolCallId: 'call_archive',
      metadata: { toolName: 'archiveTicket', args: { ticketId: 'T-77' } },
    });
    // The tool's own ttlMs wins over the module's.
    const expiresAt = Date.parse(interrupt.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(run1.before + ARCHIVE_TTL_MS);
    expect(expiresAt).toBeLessThanOrEqual(run1.after + ARCHIVE_TTL_MS);

    await sleep(Math.max(0, expiresAt - Date.now() + 15));

    await expect(run1.agent.runAgent({ resume: [approve(interrupt)] })).rejects.toThrow(`Interrupt ${interrupt.id} expired at ${interrupt.expiresAt}`);
    const late = await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(interrupt)] }));
    expect(late).toMatchObject({ status: 409, json: { statusCode: 409, error: 'INTERRUPT_EXPIRED', interruptIds: [interrupt.id] } });
    // Refused again: it was not consumed by the refusal.
    expect((await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(interrupt)] }))).json?.error).toBe('INTERRUPT_EXPIRED');
    // Still pending for a run that ignores it.
    expect((await post(t.agentUrl, bodyFor(run1.agent))).json?.error).toBe('INTERRUPT_PENDING');
    expect(t.fake.requests).toHaveLength(1);

    const run2 = await resumedRun(run1, [cancel(interrupt)], 'Left the ticket open.');
    expect(resultsOf(run2.events).get('call_archive')).toMatch(/cancelled/);
    expect(streamedText(run2.events)).toBe('Left the ticket open.');
    expect(tools.calls).toEqual([]);

    t.fake.enqueue({ kind: 'text', text: 'Sure.' });
    const run3 = await runWithHttpAgent({ agent: run1.agent, messages: [userMessage('ok, something else')] });
    await expectValidRun(run3.events, run3.input);
    expect(streamedText(run3.events)).toBe('Sure.');
  });

  it('7. parallel calls: the harmless one runs in run 1, two interrupts; the resume must answer both; only the approved one runs', async () => {
    const run1 = await interruptedRun([
      refundCall,
      { id: 'call_delete', name: 'deleteFile', args: '{"path":"/etc/hosts"}' },
      { id: 'call_lookup', name: 'lookupOrder', args: '{"orderId":"ORD-1001"}' },
    ]);
    // The call without approval ran at once, and its result is in run 1.
    expect([...resultsOf(run1.events).keys()]).toEqual(['call_lookup']);
    expect(tools.calls.map((call) => call.name)).toEqual(['lookupOrder']);
    expect(ofType(run1.events, EventType.TOOL_CALL_END)).toHaveLength(3);

    expect(run1.interrupts).toHaveLength(2);
    const refund = run1.interrupts.find((interrupt) => interrupt.toolCallId === 'call_refund')!;
    const remove = run1.interrupts.find((interrupt) => interrupt.toolCallId === 'call_delete')!;
    expect(refund.id).not.toBe(remove.id);
    expect(remove).toMatchObject({ message: 'Allow deleteFile to run with {"path":"/etc/hosts"}?', metadata: { toolName: 'deleteFile', args: { path: '/etc/hosts' } } });
    // deleteFile does not opt in to edits (approval.allowEdits), so its answer offers no `args`; refundOrder does.
    expect(Object.keys((remove.responseSchema as any).properties)).toEqual(['approved', 'reason']);
    expect(refund.responseSchema).toMatchObject({ properties: { args: { properties: { orderId: { type: 'string' } } } } });

    // Answering one of two: HttpAgent refuses; raw, the server does, naming the other.
    await expect(run1.agent.runAgent({ resume: [approve(refund)] })).rejects.toThrow(`not addressed by resume: ${remove.id}`);
    const partial = await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(refund)] }));
    expect(partial).toMatchObject({ status: 409, json: { error: 'INTERRUPT_PENDING', interrupts: [{ id: remove.id, toolCallId: 'call_delete', expiresAt: remove.expiresAt }] } });
    // The same interrupt twice is malformed.
    const twice = await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(refund), reject(refund), approve(remove)] }));
    expect(twice).toMatchObject({ status: 400, json: { error: 'INVALID_INPUT' } });
    expect(tools.calls.map((call) => call.name)).toEqual(['lookupOrder']);
    expect(t.fake.requests).toHaveLength(1);

    const run2 = await resumedRun(run1, [approve(refund), reject(remove, 'Never touch /etc.')]);
    const results = resultsOf(run2.events);
    expect([...results.keys()].sort()).toEqual(['call_delete', 'call_refund']);
    expect(JSON.parse(results.get('call_refund')!)).toMatchObject({ refunded: 120 });
    expect(results.get('call_delete')).toMatch(/declined.*Never touch \/etc\./);
    expect(tools.calls.map((call) => call.name)).toEqual(['lookupOrder', 'refundOrder']);

    // The model reads its three calls, each followed by its result: the client's lookup, then the two answers.
    const seen = modelHistoryAround(t.fake.requests[1]!.body, 'call_refund');
    expect(seen.assistant.tool_calls.map((call: any) => call.id)).toEqual(['call_refund', 'call_delete', 'call_lookup']);
    expect(seen.toolMessages[0]).toMatchObject({ tool_call_id: 'call_lookup' });
    expect(seen.toolMessages.map((message: any) => message.tool_call_id).sort()).toEqual(['call_delete', 'call_lookup', 'call_refund']);
  });

  it('8. a predicate decides per call: deleteFile outside /etc runs at once, under /etc it waits', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_tmp', name: 'deleteFile', args: '{"path":"/tmp/cache.txt"}' }] }, { kind: 'text', text: 'Deleted.' });
    const free = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('clean up')] });
    await expectValidRun(free.events, free.input);
    expect(resultsOf(free.events).get('call_tmp')).toBe('deleted /tmp/cache.txt');
    expect(finishedOf(free.events).outcome?.type ?? 'success').toBe('success');
    expect(free.agent.pendingInterrupts).toEqual([]);
    expect(tools.calls.map(({ name, args }) => ({ name, args }))).toEqual([{ name: 'deleteFile', args: { path: '/tmp/cache.txt' } }]);

    t.fake.reset();
    tools.calls.length = 0;
    const held = await interruptedRun([{ id: 'call_etc', name: 'deleteFile', args: '{"path":"/etc/passwd"}' }]);
    expect(held.interrupts).toEqual([expect.objectContaining({ toolCallId: 'call_etc', metadata: { toolName: 'deleteFile', args: { path: '/etc/passwd' } } })]);
    expect(tools.calls).toEqual([]);
    // Leave the thread clean.
    await resumedRun(held, [cancel(held.interrupts[0]!)]);
    expect(tools.calls).toEqual([]);
  });

  it('8b. the model’s invalid arguments to an approval tool are not put to a human: the error goes straight back to the model', async () => {
    t.fake.enqueue(
      { kind: 'tool-calls', calls: [{ id: 'call_big', name: 'refundOrder', args: '{"orderId":"ORD-1001","amount":9000}' }] },
      { kind: 'tool-calls', calls: [{ id: 'call_ok', name: 'refundOrder', args: '{"orderId":"ORD-1001","amount":500}' }] },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('refund everything')] });
    await expectValidRun(run.events, run.input);
    expect(resultsOf(run.events).get('call_big')).toMatch(/^Error: Invalid arguments for refundOrder: .*amount/);
    expect(interruptsOf(run.events).map((interrupt) => interrupt.toolCallId)).toEqual(['call_ok']);
    expect(tools.calls).toEqual([]);
    await resumedRun(run, [reject(interruptsOf(run.events)[0]!)]);
  });

  it('10. race: two identical resumes at once give exactly one stream and one 409 INTERRUPT_NOT_PENDING; the tool runs once', async () => {
    const run1 = await interruptedRun([refundCall]);
    const body = bodyFor(run1.agent, { resume: [approve(run1.interrupts[0]!)] });
    t.fake.enqueue({ kind: 'text', text: 'Refunded.' });
    const answers = await Promise.all([post(t.agentUrl, body), post(t.agentUrl, { ...body })]);

    const streamed = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(streamed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.json).toMatchObject({ error: 'INTERRUPT_NOT_PENDING', interruptIds: [run1.interrupts[0]!.id] });
    expect(streamed[0]!.contentType).toMatch(/^text\/event-stream/);
    const events = streamed[0]!.events!;
    await expectValidRun(events, body);
    expect(resultsOf(events).has('call_refund')).toBe(true);
    expect(streamedText(events)).toBe('Refunded.');
    expect(tools.ran('refundOrder')).toHaveLength(1);
    expect(t.fake.requests).toHaveLength(2);
  });

  it('11. the info endpoint says which tools may ask for approval', async () => {
    const info = await (await fetch(`${t.url}/agents`)).json();
    const agent = info.agents.find((entry: any) => entry.id === 'assistant');
    expect(Object.fromEntries(agent.tools.map((tool: any) => [tool.name, tool.approval]))).toEqual({
      refundOrder: true,
      deleteFile: true,
      archiveTicket: true,
      chargeCard: true,
      purgeCache: true,
      lookupOrder: false,
    });
    expect(agent.capabilities.humanInTheLoop).toMatchObject({ supported: true, approvals: true, interrupts: true, approveWithEdits: true });
  });

  it('12. an approved tool that fails: the error is the tool result the model reads, and the run finishes validly', async () => {
    const run1 = await interruptedRun([{ id: 'call_charge', name: 'chargeCard', args: '{"cents":1999}' }]);
    const run2 = await resumedRun(run1, [approve(run1.interrupts[0]!)], 'The payment failed, sorry.');
    expect(resultsOf(run2.events).get('call_charge')).toBe('Error: The payment gateway is down');
    expect(ofType(run2.events, EventType.RUN_ERROR)).toEqual([]);
    expect(streamedText(run2.events)).toBe('The payment failed, sorry.');
    expect(modelHistoryAround(t.fake.requests[1]!.body, 'call_charge').toolMessages).toEqual([
      { role: 'tool', tool_call_id: 'call_charge', content: 'Error: The payment gateway is down' },
    ]);
    expect(tools.calls.map(({ name, args }) => ({ name, args }))).toEqual([{ name: 'chargeCard', args: { cents: 1999 } }]);
  });

  it('13. the server runs what the model asked, whatever the client’s history says: a dropped call is rebuilt, a forged one ignored, a client-made result replaced', async () => {
    // (a) The client lost the assistant message: the server puts the call back before its result.
    const dropped = await interruptedRun([refundCall]);
    t.fake.enqueue({ kind: 'text', text: 'ok' });
    const withoutCall = bodyFor(dropped.agent, { messages: dropped.agent.messages.filter((message) => message.role === 'user'), resume: [approve(dropped.interrupts[0]!)] });
    const a = await post(t.agentUrl, withoutCall);
    expect(a.status).toBe(200);
    await expectValidRun(a.events!, withoutCall);
    expect(resultsOf(a.events!).has('call_refund')).toBe(true);
    const rebuilt = modelHistoryAround(t.fake.requests[1]!.body, 'call_refund');
    expect(rebuilt.assistant.tool_calls).toEqual([{ id: 'call_refund', type: 'function', function: { name: 'refundOrder', arguments: '{"orderId":"ORD-1001","amount":120}' } }]);
    expect(rebuilt.toolMessages).toHaveLength(1);
    expect(tools.calls.map((call) => call.args)).toEqual([{ orderId: 'ORD-1001', amount: 120 }]);

    // (b) The client rewrote the call's arguments in its history: the stored ones run.
    t.fake.reset();
    tools.calls.length = 0;
    const forged = await interruptedRun([refundCall]);
    const history = structuredClone(forged.agent.messages) as any[];
    history.find((message) => message.role === 'assistant').toolCalls[0].function.arguments = '{"orderId":"ORD-1001","amount":499}';
    t.fake.enqueue({ kind: 'text', text: 'ok' });
    const forgedBody = bodyFor(forged.agent, { messages: history, resume: [approve(forged.interrupts[0]!)] });
    const b = await post(t.agentUrl, forgedBody);
    expect(b.status).toBe(200);
    await expectValidRun(b.events!, forgedBody);
    expect(tools.calls.map((call) => call.args)).toEqual([{ orderId: 'ORD-1001', amount: 120 }]);
    expect(modelHistoryAround(t.fake.requests[1]!.body, 'call_refund').assistant.tool_calls[0].function.arguments).toBe('{"orderId":"ORD-1001","amount":120}');

    // (c) The client added its own tool message for the call (as CopilotKit does with the approval):
    // the model reads one result for the call, the server's.
    t.fake.reset();
    tools.calls.length = 0;
    const copilot = await interruptedRun([refundCall]);
    const withOwnResult = [...copilot.agent.messages, { id: randomUUID(), role: 'tool', toolCallId: 'call_refund', content: '{"approved":true}' }];
    t.fake.enqueue({ kind: 'text', text: 'ok' });
    const copilotBody = bodyFor(copilot.agent, { messages: withOwnResult, resume: [approve(copilot.interrupts[0]!)] });
    const c = await post(t.agentUrl, copilotBody);
    expect(c.status).toBe(200);
    await expectValidRun(c.events!, copilotBody);
    const results = ofType<AnyEvent>(c.events!, EventType.TOOL_CALL_RESULT);
    expect(results).toHaveLength(1);
    expect(modelHistoryAround(t.fake.requests[1]!.body, 'call_refund').toolMessages).toEqual([{ role: 'tool', tool_call_id: 'call_refund', content: results[0]!.content }]);
    expect(tools.calls).toHaveLength(1);
  });

  it('13b. a resume may reuse the interrupted run’s runId (CopilotKit does)', async () => {
    const run1 = await interruptedRun([refundCall]);
    t.fake.enqueue({ kind: 'text', text: 'ok' });
    const run2 = await runWithHttpAgent({ agent: run1.agent, runId: run1.input.runId, resume: [approve(run1.interrupts[0]!)] });
    await expectValidRun(run2.events, run2.input);
    expect(resultsOf(run2.events).has('call_refund')).toBe(true);
    expect(tools.ran('refundOrder')).toHaveLength(1);
  });

  it('14. an interrupt belongs to its thread: naming it on another thread is a 409 INTERRUPT_NOT_PENDING, and it stays pending', async () => {
    const run1 = await interruptedRun([refundCall]);
    const elsewhere = await post(t.agentUrl, { ...bodyFor(run1.agent, { resume: [approve(run1.interrupts[0]!)] }), threadId: `thread-${randomUUID()}` });
    expect(elsewhere).toMatchObject({ status: 409, json: { error: 'INTERRUPT_NOT_PENDING', interruptIds: [run1.interrupts[0]!.id] } });
    expect(tools.calls).toEqual([]);
    await resumedRun(run1, [approve(run1.interrupts[0]!)]);
    expect(tools.ran('refundOrder')).toHaveLength(1);
  });

  it('15. a resumed run may stop again: the model’s next approval call is a new interrupt, answered by a third run', async () => {
    const run1 = await interruptedRun([refundCall]);
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_etc', name: 'deleteFile', args: '{"path":"/etc/old.conf"}' }] });
    const run2 = await runWithHttpAgent({ agent: run1.agent, resume: [approve(run1.interrupts[0]!)] });
    await expectValidRun(run2.events, run2.input);
    expect(resultsOf(run2.events).has('call_refund')).toBe(true);
    const [second] = interruptsOf(run2.events) as [Interrupt];
    expect(second).toMatchObject({ toolCallId: 'call_etc', metadata: { toolName: 'deleteFile' } });
    expect(second.id).not.toBe(run1.interrupts[0]!.id);
    expect(run2.agent.pendingInterrupts).toEqual([second]);
    // The first interrupt is spent; the new one is what the thread waits for.
    expect((await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(run1.interrupts[0]!)] }))).json?.error).toBe('INTERRUPT_NOT_PENDING');
    expect((await post(t.agentUrl, bodyFor(run1.agent))).json).toMatchObject({ error: 'INTERRUPT_PENDING', interrupts: [{ id: second.id }] });

    const run3 = await resumedRun(run2, [approve(second)]);
    expect(resultsOf(run3.events).get('call_etc')).toBe('deleted /etc/old.conf');
    expect(tools.calls.map((call) => [call.name, call.runId])).toEqual([
      ['refundOrder', run2.input.runId],
      ['deleteFile', run3.input.runId],
    ]);
  });

  it('16. an approval rule that throws asks for approval instead of letting the call through, and logs why', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call_page', name: 'purgeCache', args: '{"scope":"page"}' }] }, { kind: 'text', text: 'ok' });
    const free = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('purge the page')] });
    await expectValidRun(free.events, free.input);
    expect(resultsOf(free.events).get('call_page')).toBe('purged page');

    const run1 = await interruptedRun([{ id: 'call_all', name: 'purgeCache', args: '{"scope":"all"}' }]);
    expect(run1.interrupts).toEqual([expect.objectContaining({ toolCallId: 'call_all' })]);
    expect(tools.calls.map((call) => call.args)).toEqual([{ scope: 'page' }]);
    expect(t.logger.errors().map((entry) => entry.message)).toEqual([expect.stringContaining('Approval rule of ApprovalTools.purgeCache failed')]);
    t.logger.entries.length = 0;
    await resumedRun(run1, [reject(run1.interrupts[0]!)]);
    expect(tools.calls).toHaveLength(1);
  });
  it('17. a resumed run whose model then fails: the result was streamed before RUN_ERROR, the interrupt is spent, the thread is free', async () => {
    const run1 = await interruptedRun([refundCall]);
    t.fake.enqueue({ kind: 'error', status: 400 });
    const run2 = await runWithHttpAgent({ agent: run1.agent, resume: [approve(run1.interrupts[0]!)] });
    await expectValidRun(run2.events, run2.input);
    expect(resultsOf(run2.events).has('call_refund')).toBe(true);
    expect(ofType(run2.events, EventType.RUN_ERROR)).toEqual([expect.objectContaining({ code: 'MODEL_REQUEST_REJECTED' })]);
    expect(tools.ran('refundOrder')).toHaveLength(1);

    // HttpAgent 1.0 clears pendingInterrupts only on RUN_FINISHED: after RUN_ERROR it still holds the spent one…
    expect(run2.agent.pendingInterrupts).toEqual(run1.interrupts);
    // …which the server no longer has.
    expect((await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(run1.interrupts[0]!)] }))).json?.error).toBe('INTERRUPT_NOT_PENDING');
    expect(tools.ran('refundOrder')).toHaveLength(1);
    // Once the client lets go of it, the thread goes on, with the result in its history.
    run2.agent.pendingInterrupts = [];
    t.fake.enqueue({ kind: 'text', text: 'Refunded.' });
    const run3 = await runWithHttpAgent({ agent: run2.agent, messages: [userMessage('did it work?')] });
    await expectValidRun(run3.events, run3.input);
    const seen = modelHistoryAround(t.fake.requests.at(-1)!.body, 'call_refund');
    expect(seen.toolMessages).toEqual([expect.objectContaining({ tool_call_id: 'call_refund', content: resultsOf(run2.events).get('call_refund') })]);
  });
});

/*
 * Fails today (library bug, reported): InterruptService.resume lists a thread's pending interrupts
 * to whoever passed ThreadAccess, and ThreadAccess lets a stranger claim a thread whose ownership
 * record was evicted, though the pending interrupts still name the owner.
 */
describe.each(PLATFORMS)('human in the loop: interrupts stay their owner’s even when thread ownership is forgotten (%s)', (platform) => {
  let t: TestApp;
  let tools: ApprovalTools;
  const asAlice = { 'x-user': 'alice' };
  const asBob = { 'x-user': 'bob' };

  beforeAll(async () => {
    // An ownership store that remembers one thread: any other thread's run makes it forget Alice's.
    t = await startTestApp({
      platform,
      providers: [ApprovalTools],
      extras: { guards: [headerUserGuard] },
      options: { anonymous: false, threadOwnershipStore: new InMemoryThreadOwnershipStore({ maxThreads: 1 }) },
    });
    tools = t.app.get(ApprovalTools);
  });
  afterAll(() => t.close());

  it('9b. a non-owner is refused with 403 and is not shown the owner’s pending interrupts', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [refundCallFor('call_alice')] });
    const run1 = await runWithHttpAgent({ url: t.agentUrl, headers: asAlice, messages: [userMessage('refund my order')] });
    await expectValidRun(run1.events, run1.input);
    const [interrupt] = interruptsOf(run1.events) as [Interrupt];

    // Bob runs on a thread of his own; the store forgets who owns Alice's.
    t.fake.enqueue({ kind: 'text', text: 'hi Bob' });
    const bobsOwn = await runWithHttpAgent({ url: t.agentUrl, headers: asBob, messages: [userMessage('hi')] });
    await expectValidRun(bobsOwn.events, bobsOwn.input);

    // The interrupt still names Alice: Bob can neither approve nor cancel it…
    expect(await post(t.agentUrl, bodyFor(run1.agent, { resume: [approve(interrupt)] }), asBob)).toMatchObject({ status: 403, json: { error: 'THREAD_FORBIDDEN' } });
    expect(await post(t.agentUrl, bodyFor(run1.agent, { resume: [cancel(interrupt)] }), asBob)).toMatchObject({ status: 403, json: { error: 'THREAD_FORBIDDEN' } });
    expect(tools.calls).toEqual([]);
    // …and a plain run of his must not list Alice's interrupts (ids, tool calls, expiry) to him.
    const plain = await post(t.agentUrl, bodyFor(run1.agent), asBob);
    expect(JSON.stringify(plain.json)).not.toContain(interrupt.id);
    expect(plain).toMatchObject({ status: 403, json: { error: 'THREAD_FORBIDDEN' } });
    expect(t.fake.requests).toHaveLength(2);
  });

  it('9c. after a stranger tried the thread, its owner can still answer her pending interrupt', async () => {
    t.fake.reset();
    t.fake.enqueue({ kind: 'tool-calls', calls: [refundCallFor('call_alice2')] });
    const run1 = await runWithHttpAgent({ url: t.agentUrl, headers: asAlice, messages: [userMessage('refund my order')] });
    await expectValidRun(run1.events, run1.input);
    const [interrupt] = interruptsOf(run1.events) as [Interrupt];

    t.fake.enqueue({ kind: 'text', text: 'hi Bob' });
    const bobsOwn = await runWithHttpAgent({ url: t.agentUrl, headers: asBob, messages: [userMessage('hi')] });
    await expectValidRun(bobsOwn.events, bobsOwn.input);
    // Bob tries Alice's thread (he is refused, whatever the code).
    expect((await post(t.agentUrl, bodyFor(run1.agent), asBob)).status).toBeGreaterThanOrEqual(400);
    expect(tools.calls).toEqual([]);

    // The interrupt is Alice's: her resume goes through.
    t.fake.enqueue({ kind: 'text', text: 'Refunded.' });
    const resume = bodyFor(run1.agent, { resume: [approve(interrupt)] });
    const run2 = await post(t.agentUrl, resume, asAlice);
    expect({ status: run2.status, error: run2.json?.error }).toEqual({ status: 200, error: undefined });
    await expectValidRun(run2.events!, resume);
    expect(tools.calls).toEqual([expect.objectContaining({ name: 'refundOrder', toolCallId: 'call_alice2' })]);
  });
});

/** The app's guard: the user is whoever `x-user` names. */
const headerUserGuard: CanActivate = {
  canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest();
    const id = request.headers['x-user'];
    if (typeof id !== 'string' || !id) throw new UnauthorizedException();
    request.user = { id };
    return true;
  },
};

describe.each(PLATFORMS)('human in the loop: only the thread’s owner answers its interrupts (%s)', (platform) => {
  let t: TestApp;
  let tools: ApprovalTools;
  const asAlice = { 'x-user': 'alice' };
  const asBob = { 'x-user': 'bob' };

  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [ApprovalTools], extras: { guards: [headerUserGuard] }, options: { anonymous: false } });
    tools = t.app.get(ApprovalTools);
  });
  afterAll(() => t.close());

  it('9. another user resuming is a 403 THREAD_FORBIDDEN that consumes nothing; the owner’s resume then works', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [refundCallFor('call_alice')] });
    const before = Date.now();
    const run1 = await runWithHttpAgent({ url: t.agentUrl, headers: asAlice, messages: [userMessage('refund my order')] });
    await expectValidRun(run1.events, run1.input);
    const [interrupt] = interruptsOf(run1.events) as [Interrupt];
    expect(interrupt).toMatchObject({ toolCallId: 'call_alice', reason: 'tool_approval' });
    // No approvalTtlMs on this module: one hour.
    expect(Date.parse(interrupt.expiresAt!) - before).toBeGreaterThanOrEqual(ONE_HOUR_MS);
    expect(Date.parse(interrupt.expiresAt!) - before).toBeLessThan(ONE_HOUR_MS + 5_000);

    const body = bodyFor(run1.agent, { resume: [approve(interrupt)] });
    const asBobResume = await post(t.agentUrl, body, asBob);
    expect(asBobResume).toMatchObject({ status: 403, json: { statusCode: 403, error: 'THREAD_FORBIDDEN' } });
    // Bob cannot cancel it either, nor run on the thread.
    expect((await post(t.agentUrl, bodyFor(run1.agent, { resume: [cancel(interrupt)] }), asBob)).status).toBe(403);
    expect((await post(t.agentUrl, bodyFor(run1.agent), asBob)).status).toBe(403);
    // Without a user at all: the guard refuses.
    expect((await post(t.agentUrl, body)).status).toBe(401);
    expect(tools.calls).toEqual([]);
    expect(t.fake.requests).toHaveLength(1);

    t.fake.enqueue({ kind: 'text', text: 'Refunded.' });
    const run2 = await runWithHttpAgent({ agent: run1.agent, resume: [approve(interrupt)] });
    await expectValidRun(run2.events, run2.input);
    expect(JSON.parse(resultsOf(run2.events).get('call_alice')!)).toMatchObject({ refunded: 120 });
    expect(tools.calls).toEqual([{ name: 'refundOrder', args: { orderId: 'ORD-1001', amount: 120 }, runId: run2.input.runId, toolCallId: 'call_alice' }]);
    expect(t.fake.pending).toBe(0);
    expect(t.logger.errors()).toEqual([]);
  });
});

function refundCallFor(id: string): Call {
  return { id, name: 'refundOrder', args: '{"orderId":"ORD-1001","amount":120}' };
}

describe('human in the loop: configuration mistakes fail the bootstrap', () => {
  it.each([0, -1, Number.NaN])('refuses approvalTtlMs %p', async (approvalTtlMs) => {
    await expect(startTestApp({ providers: [ApprovalTools], options: { approvalTtlMs } })).rejects.toThrow('approvalTtlMs must be a positive number');
  });
});
