import { EventType } from '@ag-ui/core';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../src/app.module.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { parseSse, runWithHttpAgent, userMessage } from './support/http-agent.client.js';

/** The example app exactly as `npm start` runs it without a key: on the offline model. */
describe('example app on the offline model', () => {
  let app: INestApplication;
  let url: string;
  const savedKey = process.env.OPENAI_API_KEY;

  beforeAll(async () => {
    delete process.env.OPENAI_API_KEY;
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false, forceCloseConnections: true });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    if (savedKey !== undefined) process.env.OPENAI_API_KEY = savedKey;
  });

  it('answers "show me my orders" by calling listMyOrders and streaming a summary of its result', async () => {
    const run = await runWithHttpAgent({ url: `${url}/agents/support`, messages: [userMessage('show me my orders')] });
    await expectValidRun(run.events, run.input);

    expect(ofType(run.events, EventType.TOOL_CALL_START)[0]).toMatchObject({ toolCallName: 'listMyOrders' });
    const orders = JSON.parse(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!.content);
    expect(orders.map((order: { id: string }) => order.id)).toEqual(['ORD-1001', 'ORD-1002']);
    expect(ofType(run.events, EventType.TEXT_MESSAGE_CONTENT).length).toBeGreaterThan(5);
    expect(streamedText(run.events)).toContain('ORD-1001');
    expect(ofType(run.events, EventType.RUN_FINISHED)[0]!.usage).toEqual([expect.objectContaining({ provider: 'offline', model: 'offline-demo' })]);
  });

  it('opens a ticket with arguments taken from the request', async () => {
    const run = await runWithHttpAgent({
      url: `${url}/agents/support`,
      messages: [userMessage('Please open a ticket: the mouse from order ORD-1002 is broken, high priority')],
    });
    await expectValidRun(run.events, run.input);
    const [start] = ofType(run.events, EventType.TOOL_CALL_START);
    expect(start).toMatchObject({ toolCallName: 'openTicket' });
    const ticket = JSON.parse(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!.content);
    expect(ticket).toMatchObject({ id: 'TCK-3001', priority: 'high', orderId: 'ORD-1002', customerId: 'alice' });
  });

  it('streams to a plain curl-style client, and says it is offline on small talk', async () => {
    const response = await fetch(`${url}/agents/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 'c1', runId: 'r1', messages: [userMessage('hello there')] }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(await response.text());
    await expectValidRun(events, { threadId: 'c1', runId: 'r1' });
    expect(ofType(events, EventType.TOOL_CALL_START)).toHaveLength(0);
    expect(streamedText(events)).toMatch(/offline/i);
  });

  it('lists the support agent and its four tools', async () => {
    const info = await (await fetch(`${url}/agents`)).json();
    expect(info.agents.map((agent: { id: string }) => agent.id)).toEqual(['support']);
    expect(info.agents[0].tools.map((tool: { name: string }) => tool.name).sort()).toEqual(['checkInvoice', 'getOrder', 'listMyOrders', 'openTicket']);
  });
});
