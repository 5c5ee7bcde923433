import { EventType, type BaseEvent, type Interrupt } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import { expectValidRun, ofType } from '../support/ag-ui.assertions.js';
import { parseSse, runWithHttpAgent, userMessage } from '../support/http-agent.client.js';
import { startExampleApp, type ExampleApp } from '../support/example-app.process.js';
import { PLATFORMS, startTestApp, type TestApp } from '../support/test-app.js';
import { HeaderUserGuard } from '../fixtures/header-user.guard.js';
import { ApprovalPolicyTools, RecordingAuditor } from '../fixtures/approval-policy.tools.js';

type AnyEvent = BaseEvent & Record<string, any>;


type Answer = { status: number; json?: any; events?: AnyEvent[] };

async function post(url: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-user': 'alice' },
    body: JSON.stringify({ messages: [], tools: [], context: [], state: {}, forwardedProps: {}, protocolVersion: '1.0', ...body }),
  });
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').startsWith('application/json')) return { status: response.status, json: JSON.parse(text) };
  return { status: response.status, events: parseSse(text) as AnyEvent[] };
}

describe.each(PLATFORMS)('abuse: approve-with-edits follows the tool’s policy, and every decision is audited (%s)', (platform) => {
  let t: TestApp;
  let tools: ApprovalPolicyTools;
  const auditor = new RecordingAuditor();

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [ApprovalPolicyTools, HeaderUserGuard],
      extras: { guards: [HeaderUserGuard] },
      options: { anonymous: false, approvalAuditor: auditor, approvalAuditTimeoutMs: 100 },
    });
    tools = t.app.get(ApprovalPolicyTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    tools.runs.length = 0;
    auditor.entries.length = 0;
    auditor.mode = 'ok';
    t.fake.reset();
    t.logger.entries.length = 0;
  });

  /** A run in which the model calls `name` with `args`: it must stop with one interrupt. */
  async function interrupted(name: string, args: unknown) {
    const threadId = `thread-${randomUUID()}`;
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: `call_${name}`, name, args: JSON.stringify(args) }] });
    const run = await post(t.agentUrl, { threadId, runId: `run-${randomUUID()}`, messages: [{ id: 'u1', role: 'user', content: 'do it' }] });
    const finished = ofType<AnyEvent>(run.events!, EventType.RUN_FINISHED)[0]!;
    expect(finished.outcome?.type).toBe('interrupt');
    return { threadId, interrupt: finished.outcome.interrupts[0] as Interrupt };
  }

  const resume = (threadId: string, interrupt: Interrupt, payload: unknown, status: 'resolved' | 'cancelled' = 'resolved') =>
    post(t.agentUrl, { threadId, runId: `run-${randomUUID()}`, resume: [{ interruptId: interrupt.id, status, payload }] });

  /** The interrupt was not consumed: approving it as proposed still runs the tool, once. */
  async function stillAnswerable(threadId: string, interrupt: Interrupt, name: string, args: unknown) {
    t.fake.enqueue({ kind: 'text', text: 'Done.' });
    const run = await resume(threadId, interrupt, { approved: true });
    expect(run.status).toBe(200);
    await expectValidRun(run.events!, { threadId, runId: run.events![0]!.runId });
    expect(tools.runs.filter((r) => r.name === name).map((r) => r.args)).toEqual([args]);
  }

  it('an edit that points a refund at another order is refused (422 EDIT_REFUSED); nothing runs; the interrupt stays answerable', async () => {
    const { threadId, interrupt } = await interrupted('refund', { orderId: 'ORD-1001', amount: 150 });
    const edited = await resume(threadId, interrupt, { approved: true, args: { orderId: 'ORD-1002', amount: 150 } });
    expect(edited).toEqual({
      status: 422,
      json: expect.objectContaining({ statusCode: 422, error: 'EDIT_REFUSED', reason: 'The order of a refund cannot be changed', interruptId: interrupt.id }),
    });
    expect(tools.runs).toEqual([]);
    expect(t.fake.requests).toHaveLength(1);
    await stillAnswerable(threadId, interrupt, 'refund', { orderId: 'ORD-1001', amount: 150 });
  });

  it('an approval of 150 edited to 1,000,000 is refused by the tool’s check; an edit down runs, and the tool sees it was edited, by whom, and the original', async () => {
    const { threadId, interrupt } = await interrupted('refund', { orderId: 'ORD-1001', amount: 150 });
    const up = await resume(threadId, interrupt, { approved: true, args: { orderId: 'ORD-1001', amount: 1_000_000 } });
    expect(up).toMatchObject({ status: 422, json: { error: 'EDIT_REFUSED', message: expect.stringContaining('The amount may only go down') } });
    expect(tools.runs).toEqual([]);

    t.fake.enqueue({ kind: 'text', text: 'Refunded 100.' });
    const before = Date.now();
    const down = await resume(threadId, interrupt, { approved: true, args: { orderId: 'ORD-1001', amount: 100 } });
    expect(down.status).toBe(200);
    await expectValidRun(down.events!, { threadId, runId: down.events![0]!.runId });
    expect(tools.runs).toEqual([
      {
        name: 'refund',
        args: { orderId: 'ORD-1001', amount: 100 },
        approval: { interruptId: interrupt.id, approvedBy: 'alice', approvedAt: expect.any(Date), edited: true, originalArgs: { orderId: 'ORD-1001', amount: 150 } },
      },
    ]);
    expect(tools.runs[0]!.approval!.approvedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
  });

  it('a tool without allowEdits refuses any edit (403 EDITS_NOT_ALLOWED) and offers none; the same arguments sent back are no edit', async () => {
    const { threadId, interrupt } = await interrupted('transfer', { to: 'ACC-1', amount: 150 });
    expect((interrupt.responseSchema as any).properties).not.toHaveProperty('args');
    const edited = await resume(threadId, interrupt, { approved: true, args: { to: 'ACC-1', amount: 1_000_000 } });
    expect(edited).toMatchObject({ status: 403, json: { statusCode: 403, error: 'EDITS_NOT_ALLOWED', interruptId: interrupt.id } });
    expect(tools.runs).toEqual([]);

    t.fake.enqueue({ kind: 'text', text: 'Done.' });
    const same = await resume(threadId, interrupt, { approved: true, args: { amount: 150, to: 'ACC-1' } });
    expect(same.status).toBe(200);
    expect(tools.runs).toEqual([{ name: 'transfer', args: { to: 'ACC-1', amount: 150 }, approval: expect.objectContaining({ edited: false, approvedBy: 'alice' }) }]);
  });

  it('allowEdits: true takes any edit that passes the schema; a schema-invalid edit is still a 400', async () => {
    const { threadId, interrupt } = await interrupted('renameTicket', { title: 'Printer broken' });
    expect(await resume(threadId, interrupt, { approved: true, args: { title: 42 } })).toMatchObject({ status: 400, json: { error: 'INVALID_INPUT' } });
    t.fake.enqueue({ kind: 'text', text: 'Renamed.' });
    expect((await resume(threadId, interrupt, { approved: true, args: { title: 'Printer on floor 2 broken' } })).status).toBe(200);
    expect(tools.runs).toEqual([
      { name: 'renameTicket', args: { title: 'Printer on floor 2 broken' }, approval: expect.objectContaining({ edited: true, originalArgs: { title: 'Printer broken' } }) },
    ]);
  });

  it('an edit check that throws refuses the edit (422) and logs the failure; approving as proposed still works', async () => {
    const { threadId, interrupt } = await interrupted('tagTicket', { tag: 'urgent' });
    expect(await resume(threadId, interrupt, { approved: true, args: { tag: 'low' } })).toMatchObject({ status: 422, json: { error: 'EDIT_REFUSED' } });
    expect(t.logger.errors().map((entry) => entry.message)).toEqual([expect.stringContaining('allowEdits check of ApprovalPolicyTools.tagTicket failed')]);
    await stillAnswerable(threadId, interrupt, 'tagTicket', { tag: 'urgent' });
  });

  it('the auditor receives every decision: approved, approved with edits, rejected, cancelled, refused edits, expired', async () => {
    const a = await interrupted('refund', { orderId: 'ORD-1001', amount: 150 });
    await resume(a.threadId, a.interrupt, { approved: true, args: { orderId: 'ORD-1001', amount: 1_000_000 } });
    const b = await interrupted('transfer', { to: 'ACC-1', amount: 5 });
    await resume(b.threadId, b.interrupt, { approved: true, args: { to: 'ACC-9', amount: 5 } });
    // Each answer that settles an interrupt lets the model speak once more.
    const settle = async (threadId: string, interrupt: Interrupt, payload: unknown, status?: 'cancelled') => {
      t.fake.enqueue({ kind: 'text', text: 'ok' });
      expect((await resume(threadId, interrupt, payload, status)).status).toBe(200);
    };
    await settle(a.threadId, a.interrupt, { approved: true, args: { orderId: 'ORD-1001', amount: 20 } });
    await settle(b.threadId, b.interrupt, { approved: true });
    const c = await interrupted('transfer', { to: 'ACC-2', amount: 7 });
    await settle(c.threadId, c.interrupt, { approved: false, reason: 'not today' });
    const d = await interrupted('closeTicket', { id: 'T-1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await resume(d.threadId, d.interrupt, { approved: true })).json).toMatchObject({ error: 'INTERRUPT_EXPIRED' });
    await settle(d.threadId, d.interrupt, undefined, 'cancelled');

    const base = { principal: 'alice', at: expect.any(Date), agentId: 'assistant' };
    expect(auditor.entries).toEqual([
      expect.objectContaining({ ...base, outcome: 'edit_refused', code: 'EDIT_REFUSED', toolName: 'refund', interruptId: a.interrupt.id, originalArgs: { orderId: 'ORD-1001', amount: 150 }, editedArgs: { orderId: 'ORD-1001', amount: 1_000_000 }, reason: 'The amount may only go down' }),
      expect.objectContaining({ ...base, outcome: 'edit_refused', code: 'EDITS_NOT_ALLOWED', toolName: 'transfer', editedArgs: { to: 'ACC-9', amount: 5 } }),
      expect.objectContaining({ ...base, outcome: 'approved_with_edits', toolName: 'refund', originalArgs: { orderId: 'ORD-1001', amount: 150 }, finalArgs: { orderId: 'ORD-1001', amount: 20 } }),
      expect.objectContaining({ ...base, outcome: 'approved', toolName: 'transfer', originalArgs: { to: 'ACC-1', amount: 5 }, finalArgs: { to: 'ACC-1', amount: 5 } }),
      expect.objectContaining({ ...base, outcome: 'rejected', toolName: 'transfer', reason: 'not today' }),
      expect.objectContaining({ ...base, outcome: 'expired', toolName: 'closeTicket', threadId: d.threadId, toolCallId: 'call_closeTicket' }),
      expect.objectContaining({ ...base, outcome: 'cancelled', toolName: 'closeTicket' }),
    ]);
    expect(auditor.entries[4]).not.toHaveProperty('finalArgs');
  });

  it.each(['throw', 'hang'] as const)('an auditor that fails (%s) refuses the decision with 503 AUDIT_UNAVAILABLE; nothing runs; the same answer works once it recovers', async (mode) => {
    const { threadId, interrupt } = await interrupted('transfer', { to: 'ACC-1', amount: 5 });
    auditor.mode = mode;
    expect(await resume(threadId, interrupt, { approved: true })).toMatchObject({ status: 503, json: { error: 'AUDIT_UNAVAILABLE', interruptIds: [interrupt.id] } });
    expect(tools.runs).toEqual([]);
    expect(t.fake.requests).toHaveLength(1);
    expect(t.logger.errors()).toHaveLength(1);
    t.logger.entries.length = 0;
    auditor.mode = 'ok';
    await stillAnswerable(threadId, interrupt, 'transfer', { to: 'ACC-1', amount: 5 });
    expect(auditor.entries.map((entry) => entry.outcome)).toEqual(['approved']);
  });
});

/** The reproduction, against the example app as `npm start` runs it. */
describe('abuse: the example app’s refund takes an edited reason, never another order', () => {
  let app: ExampleApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    app = await startExampleApp();
    const login = await fetch(`${app.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-demo' }) });
    headers = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}`, 'content-type': 'application/json', accept: 'text/event-stream' };
  });
  afterAll(() => app.stop(), 15_000);

  it('approving refund ORD-1002 with orderId edited to ORD-1001 is a 422 and refunds nothing; an edited reason runs, and the tool says who approved', async () => {
    const url = `${app.url}/agents/support`;
    const asked = await runWithHttpAgent({ url, headers: { authorization: headers.authorization! }, messages: [userMessage('refund order ORD-1002 because the mouse arrived broken')] });
    const interrupt = ofType<AnyEvent>(asked.events, EventType.RUN_FINISHED)[0]!.outcome.interrupts[0] as Interrupt;
    const answer = (args: unknown) =>
      fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ threadId: asked.input.threadId, runId: `run-${randomUUID()}`, messages: [], resume: [{ interruptId: interrupt.id, status: 'resolved', payload: { approved: true, args } }] }),
      });

    const other = await answer({ orderId: 'ORD-1001', reason: 'broken' });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: 'EDIT_REFUSED', reason: 'The order of a refund cannot be changed' });

    const reworded = await answer({ orderId: 'ORD-1002', reason: 'Mouse arrived broken (photo attached)' });
    expect(reworded.status).toBe(200);
    const events = parseSse(await reworded.text()) as AnyEvent[];
    const result = JSON.parse(ofType<AnyEvent>(events, EventType.TOOL_CALL_RESULT)[0]!.content);
    expect(result).toMatchObject({ orderId: 'ORD-1002', status: 'refunded', reason: 'Mouse arrived broken (photo attached)', approvedBy: 'alice', edited: true });
    // The default auditor logged both decisions.
    expect(app.output()).toMatch(/edit_refused "refundOrder" by "alice".*code EDIT_REFUSED/);
    expect(app.output()).toMatch(/approved_with_edits "refundOrder" by "alice"/);
  });
});
