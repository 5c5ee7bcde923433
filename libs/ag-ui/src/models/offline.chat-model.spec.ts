import type { Message, UserMessage } from '@ag-ui/core';
import type { ChatModelChunk, ChatModelRequest, ModelToolDefinition } from './chat-model.interface.js';
import { OfflineChatModel } from './offline.chat-model.js';

const listMyOrders: ModelToolDefinition = {
  name: 'listMyOrders',
  description: "List the current user's orders",
  parameters: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['open', 'shipped', 'cancelled'] } },
    required: [],
  },
};

const openTicket: ModelToolDefinition = {
  name: 'openTicket',
  description: 'Open a support ticket about an order',
  parameters: {
    type: 'object',
    properties: {
      orderId: { type: 'string', pattern: '^ORD-\\d+$' },
      invoiceId: { type: 'string' },
      subject: { type: 'string' },
      description: { type: 'string' },
      priority: { type: 'string', enum: ['low', 'normal', 'high'] },
      quantity: { type: 'integer', minimum: 1 },
      urgent: { type: 'boolean' },
      trackingNumber: { type: 'string' },
      couponCode: { type: ['string', 'null'] },
      giftWrap: { anyOf: [{ type: 'boolean' }, { type: 'null' }] },
    },
    required: ['orderId', 'invoiceId', 'subject', 'description', 'priority', 'quantity', 'urgent', 'couponCode', 'giftWrap'],
  },
};

function request(messages: Message[], tools: ModelToolDefinition[] = [listMyOrders, openTicket], signal = new AbortController().signal): ChatModelRequest {
  return { model: 'offline-demo', messages, tools, signal };
}

function user(content: UserMessage['content']): Message {
  return { id: 'u1', role: 'user', content };
}

async function collect(model: OfflineChatModel, req: ChatModelRequest): Promise<ChatModelChunk[]> {
  const chunks: ChatModelChunk[] = [];
  for await (const chunk of model.stream(req)) chunks.push(chunk);
  return chunks;
}

const textOf = (chunks: ChatModelChunk[]) => chunks.map((c) => (c.type === 'text' ? c.delta : '')).join('');
const argsOf = (chunks: ChatModelChunk[]) => JSON.parse(chunks.map((c) => (c.type === 'tool-call-args' ? c.delta : '')).join(''));
const toolStarts = (chunks: ChatModelChunk[]) => chunks.filter((c) => c.type === 'tool-call-start');

describe('OfflineChatModel', () => {
  const model = new OfflineChatModel({ tokenDelayMs: 0 });

  it('streams small talk as several text chunks, without calling a tool', async () => {
    const chunks = await collect(model, request([user('hello there')]));

    const deltas = chunks.filter((c) => c.type === 'text');
    expect(deltas.length).toBeGreaterThan(5);
    expect(textOf(chunks)).toMatch(/offline/);
    expect(textOf(chunks)).toContain('hello there');
    expect(textOf(chunks)).toContain('listMyOrders (try "list my orders")');
    expect(toolStarts(chunks)).toHaveLength(0);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it.each([
    ['a text answer', 'hello there', 'stop'],
    ['a tool call', 'show me my orders', 'tool_calls'],
  ])('reports usage just before finish for %s', async (_, text, reason) => {
    const chunks = await collect(model, request([user(text)]));

    const [usage, finish] = chunks.slice(-2);
    expect(finish).toEqual({ type: 'finish', reason });
    expect(usage).toMatchObject({ type: 'usage', usage: { provider: 'offline', model: 'offline-demo', inputTokens: text.split(' ').length } });
    const { inputTokens, outputTokens, totalTokens } = (usage as Extract<ChatModelChunk, { type: 'usage' }>).usage;
    expect(outputTokens).toBeGreaterThan(0);
    expect(totalTokens).toBe(inputTokens! + outputTokens!);
  });

  it('picks the tool whose name matches the request and streams its arguments in pieces', async () => {
    const chunks = await collect(model, request([user('show me my orders')]));

    const starts = toolStarts(chunks);
    expect(starts).toEqual([{ type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_offline_/), name: 'listMyOrders' }]);
    expect(chunks.filter((c) => c.type === 'tool-call-args').length).toBeGreaterThan(1);
    expect(argsOf(chunks)).toEqual({});
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('fills an enum from the text and gives each call its own id', async () => {
    const first = await collect(model, request([user('list my shipped orders')]));
    const second = await collect(model, request([user('list my shipped orders')]));

    expect(argsOf(first)).toEqual({ status: 'shipped' });
    expect(toolStarts(first)[0]).not.toEqual(toolStarts(second)[0]);
  });

  it('builds arguments from the schema and the text', async () => {
    const text = 'Please open a ticket for order ORD-1001 and invoice INV-2001: 3 parcels arrived broken, high priority, urgent';
    const chunks = await collect(model, request([user([{ type: 'text', text }])]));

    expect(toolStarts(chunks)[0]).toMatchObject({ name: 'openTicket' });
    const args = argsOf(chunks);
    expect(args).toMatchObject({
      orderId: 'ORD-1001',
      invoiceId: 'INV-2001',
      subject: 'Please open a ticket for order ORD-1001 and…',
      description: text,
      priority: 'high',
      quantity: 3,
      urgent: true,
      couponCode: null,
    });
    expect(args).not.toHaveProperty('trackingNumber');
  });

  it("does not run a client schema's catastrophic pattern, nor stumble on non-scalar enum values", async () => {
    const hostile: ModelToolDefinition = {
      name: 'ping',
      description: 'ping the server',
      parameters: {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^(a+)+$' }, mode: { type: 'string', enum: [{ toString: 1 }, 'fast'] } },
        required: ['code', 'mode'],
      },
    };
    // Run, `(a+)+$` against forty a's and a '!' backtracks for hours: the test would hit Jest's timeout.
    const chunks = await collect(model, request([user(`ping ${'a'.repeat(40)}! fast`)], [hostile]));
    expect(argsOf(chunks)).toMatchObject({ mode: 'fast' });
  });

  it('falls back to schema defaults for required fields the text does not mention', async () => {
    const chunks = await collect(model, request([user('open ticket')], [openTicket]));

    expect(argsOf(chunks)).toMatchObject({ priority: 'low', quantity: 1, urgent: false, couponCode: null, giftWrap: null });
  });

  it('summarises tool results in text instead of calling the tool again', async () => {
    const orders = [
      { id: 'ORD-1001', status: 'shipped', total: 42.5, lines: [{ sku: 'A' }] },
      { id: 'ORD-1002', status: 'open', total: 10 },
    ];
    const history: Message[] = [
      user('show me my orders'),
      { id: 'a1', role: 'assistant', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'listMyOrders', arguments: '{}' } }] },
      { id: 't1', role: 'tool', toolCallId: 'c1', content: JSON.stringify(orders) },
    ];
    const chunks = await collect(model, request(history));

    expect(toolStarts(chunks)).toHaveLength(0);
    expect(textOf(chunks)).toBe(
      'Here is what I found. listMyOrders returned 2 items: (1) id: ORD-1001, status: shipped, total: 42.5; (2) id: ORD-1002, status: open, total: 10.',
    );
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('describes objects and plain strings returned by tools', async () => {
    const history: Message[] = [
      { id: 'a1', role: 'assistant', toolCalls: [
        { id: 'c1', type: 'function', function: { name: 'getOrder', arguments: '{}' } },
        { id: 'c2', type: 'function', function: { name: 'ping', arguments: '{}' } },
      ] },
      { id: 't1', role: 'tool', toolCallId: 'c1', content: JSON.stringify({ id: 'ORD-7', lines: [1, 2, 3], customer: { name: 'Ada' } }) },
      { id: 't2', role: 'tool', toolCallId: 'c2', content: 'pong' },
    ];
    const text = textOf(await collect(model, request(history)));

    expect(text).toContain('getOrder returned id: ORD-7, lines: 3 items, customer: {…}.');
    expect(text).toContain('ping returned "pong".');
  });

  it.each([
    ['an error field', { error: 'Order ORD-9 not found' }, 'Order ORD-9 not found'],
    ['error content', { content: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'No such order' } }) }, 'No such order'],
    ['error text', { content: 'Error: database unavailable' }, 'Error: database unavailable'],
  ])('says the tool failed for %s', async (_, fields, reason) => {
    const history: Message[] = [
      { id: 'a1', role: 'assistant', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'openTicket', arguments: '{}' } }] },
      { id: 't1', role: 'tool', toolCallId: 'c1', content: '', ...fields },
    ];
    const chunks = await collect(model, request(history));

    expect(textOf(chunks)).toContain(`openTicket failed: ${reason}`);
    expect(toolStarts(chunks)).toHaveLength(0);
  });

  it.each<[string, ChatModelRequest]>([
    ['no messages', request([])],
    ['no user message', request([{ id: 's', role: 'system', content: 'be nice' }])],
    ['only an image part', request([user([{ type: 'image', source: { type: 'url', value: 'https://x/y.png' } }])])],
    ['no tools', request([user('show me my orders')], [])],
  ])('answers in plain text with %s', async (_, req) => {
    const chunks = await collect(model, req);

    expect(textOf(chunks)).toMatch(/offline/);
    expect(toolStarts(chunks)).toHaveLength(0);
    expect(chunks.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('calls a tool with empty arguments when its definition is malformed', async () => {
    const broken = [null, { name: 'listMyOrders', description: 7, parameters: 'nope' }] as unknown as ModelToolDefinition[];
    const chunks = await collect(model, request([user('show me my orders')], broken));

    expect(toolStarts(chunks)[0]).toMatchObject({ name: 'listMyOrders' });
    expect(argsOf(chunks)).toEqual({});
  });

  it('stops promptly and rejects when the signal aborts mid-stream', async () => {
    const slow = new OfflineChatModel({ tokenDelayMs: 20 });
    const controller = new AbortController();
    const chunks: ChatModelChunk[] = [];
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = Date.now();
      controller.abort();
    }, 50);

    const run = (async () => {
      for await (const chunk of slow.stream(request([user('hello there')], [], controller.signal))) chunks.push(chunk);
    })();

    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.some((c) => c.type === 'finish')).toBe(false);
  });

  it('rejects before streaming anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client left'));

    await expect(collect(model, request([user('hello')], [], controller.signal))).rejects.toThrow('client left');
  });
});
