import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { FakeOpenAIServer } from './fake-openai.server.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

let server: FakeOpenAIServer;
let client: OpenAI;

beforeAll(async () => {
  server = await FakeOpenAIServer.start();
  // logLevel off: the malformed-chunk test would otherwise print the SDK's parse error.
  client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
});

afterEach(() => {
  expect(server.pending).toBe(0);
  server.reset();
});

afterAll(() => server.close());

async function streamChunks(params: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}): Promise<ChatCompletionChunk[]> {
  const stream = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true, ...params });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Iterates until the stream throws; returns what arrived before, and the error. */
async function streamUntilError(): Promise<{ chunks: ChatCompletionChunk[]; error: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true });
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  throw new Error(`stream ended without an error after ${chunks.length} chunks`);
}

const argumentDeltas = (chunks: ChatCompletionChunk[]) =>
  chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).filter((t) => !t.id);

describe('FakeOpenAIServer', () => {
  it('streams text as separate chunks that concatenate to the text', async () => {
    server.enqueue({ kind: 'text', text: ['Hel', 'lo', ' world'] });

    const chunks = await streamChunks();

    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const contents = chunks.slice(1).map((c) => c.choices[0]?.delta.content).filter((c) => c !== undefined);
    expect(contents).toEqual(['Hel', 'lo', ' world']);
    expect(contents.join('')).toBe('Hello world');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices[0].delta).toEqual({});
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-test', system_fingerprint: 'fp_fake' });
  });

  it('speaks the SSE wire format and ends with [DONE]', async () => {
    server.enqueue({ kind: 'text', text: 'ok' });

    const res = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events).toHaveLength(4); // role, "ok", finish, [DONE]
  });

  it('reassembles two tool calls whose arguments are split across chunks', async () => {
    server.enqueue({
      kind: 'tool-calls',
      calls: [
        { id: 'call_a', name: 'get_weather', args: ['{"ci', 'ty":"Pa', 'ris"}'] },
        { name: 'get_time', args: ['{"tz":', '"CET"}'] },
      ],
    });

    const stream = client.chat.completions.stream({ model: 'gpt-test', messages, tools: [weatherTool] });
    const chunks: ChatCompletionChunk[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const completion = await stream.finalChatCompletion();

    expect(argumentDeltas(chunks).map((t) => t.index)).toEqual([0, 0, 0, 1, 1]);
    const [first, second] = completion.choices[0].message.tool_calls!;
    expect(first).toMatchObject({ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    expect(second).toMatchObject({ type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } });
    expect(second.id).toMatch(/^call_/);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
  });

  it('interleaves argument pieces round-robin and the SDK still reassembles them', async () => {
    server.enqueue({
      kind: 'tool-calls',
      interleave: true,
      text: 'Let me check.',
      calls: [
        { name: 'a', args: ['{"x":', '1}'] },
        { name: 'b', args: ['{"y":', '2}'] },
      ],
    });

    const stream = client.chat.completions.stream({ model: 'gpt-test', messages });
    const chunks: ChatCompletionChunk[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const { message } = (await stream.finalChatCompletion()).choices[0];

    expect(argumentDeltas(chunks).map((t) => t.index)).toEqual([0, 1, 0, 1]);
    expect(message.content).toBe('Let me check.');
    expect(message.tool_calls!.map((t) => t.type === 'function' && [t.function.name, t.function.arguments])).toEqual([
      ['a', '{"x":1}'],
      ['b', '{"y":2}'],
    ]);
  });

  it('sends a usage chunk only when stream_options.include_usage is set', async () => {
    const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
    server.enqueue({ kind: 'text', text: 'a', usage }, { kind: 'text', text: 'b', usage }, { kind: 'text', text: 'computed' });

    const withUsage = await streamChunks({ stream_options: { include_usage: true } });
    const without = await streamChunks();
    const computed = await streamChunks({ stream_options: { include_usage: true } });

    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage });
    expect(withUsage.filter((c) => c.usage)).toHaveLength(1);
    expect(without.some((c) => c.usage)).toBe(false);
    expect(without.every((c) => c.choices.length === 1)).toBe(true);
    const estimated = computed.at(-1)!.usage!;
    expect(estimated.completion_tokens).toBeGreaterThan(0);
    expect(estimated.total_tokens).toBe(estimated.prompt_tokens + estimated.completion_tokens);
  });

  it('streams reasoning pieces as delta.reasoning_content before the text', async () => {
    server.enqueue({ kind: 'text', reasoning: ['think', 'ing'], text: 'answer' });

    const chunks = await streamChunks();

    const deltas = chunks.map((c) => c.choices[0]?.delta as { reasoning_content?: string; content?: string | null });
    expect(deltas.filter((d) => d.reasoning_content !== undefined).map((d) => d.reasoning_content)).toEqual(['think', 'ing']);
    const lastReasoning = deltas.findLastIndex((d) => d.reasoning_content !== undefined);
    const firstText = deltas.findIndex((d) => d.content === 'answer');
    expect(lastReasoning).toBeLessThan(firstText);
  });

  it('surfaces 429 and 500 replies as the SDK error classes', async () => {
    server.enqueue(
      { kind: 'error', status: 429, headers: { 'retry-after': '1' } },
      { kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error', code: null } } },
    );
    const create = () => client.chat.completions.create({ model: 'gpt-test', messages, stream: true });

    const rateLimited = await create().catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((rateLimited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');

    const failed = await create().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(failed).toMatchObject({ status: 500, message: '500 boom' });
    expect(server.requests).toHaveLength(2); // maxRetries: 0, so no retries
  });

  it('cut: destroys the connection after N chunks and the SDK iteration throws', async () => {
    server.enqueue({ kind: 'cut', afterChunks: 2, reply: { kind: 'text', text: ['a', 'b', 'c'] } });

    const { chunks, error } = await streamUntilError();

    // undici's error comes from Node's own realm, so instanceof against jest's globals would fail.
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(chunks.map((c) => c.choices[0].delta.content)).toEqual(['', 'a']);
    expect(server.requests[0].closedByClient).toBe(false);
  });

  it('malformed: a non-JSON data line makes the SDK iteration throw', async () => {
    server.enqueue({ kind: 'malformed', afterChunks: 2 });

    const { chunks, error } = await streamUntilError();

    expect(error).toBeInstanceOf(SyntaxError);
    expect(chunks).toHaveLength(2);
  });

  it('hang: aborting the SDK request is recorded as the client closing', async () => {
    server.enqueue({ kind: 'hang' });
    const ac = new AbortController();

    const stream = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true }, { signal: ac.signal });
    const request = await server.waitForRequest(0);
    expect(request.closedByClient).toBe(false);
    const iterating = (async () => {
      for await (const _ of stream) throw new Error('hang must not send chunks');
    })();
    ac.abort();

    await iterating;
    await request.clientClosed;
    expect(request.closedByClient).toBe(true);
  });

  it('records the body and headers the SDK sent', async () => {
    server.enqueue({ kind: 'text', text: 'ok' });

    await client.chat.completions.create({ model: 'gpt-test', messages, tools: [weatherTool], temperature: 0.2 });

    const { body, headers } = await server.waitForRequest(0);
    expect(body).toMatchObject({ model: 'gpt-test', messages, tools: [weatherTool], temperature: 0.2 });
    expect(body.stream).toBeUndefined();
    expect(headers.authorization).toBe('Bearer test');
  });

  it('answers non-stream requests with a full chat.completion', async () => {
    server.enqueue({ kind: 'text', text: ['a', 'b'] }, { kind: 'tool-calls', calls: [{ id: 'call_1', name: 'f', args: ['{', '}'] }] });

    const text = await client.chat.completions.create({ model: 'gpt-test', messages });
    const tools = await client.chat.completions.create({ model: 'gpt-test', messages });

    expect(text).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'ab' }, finish_reason: 'stop' }] });
    expect(tools.choices[0]).toMatchObject({
      message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      finish_reason: 'tool_calls',
    });
    expect(text.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('fails loudly with a 500 when nothing is scripted', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-test', messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('fake server: no scripted reply');
  });

  it('answers 404 JSON outside the chat completions endpoint', async () => {
    const res = await fetch(`${server.baseURL}/models`);

    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(server.requests).toHaveLength(0);
  });

  it('waitForRequest rejects when the request never arrives', async () => {
    await expect(server.waitForRequest(0, 20)).rejects.toThrow('did not arrive within 20ms');
  });
});

describe('FakeOpenAIServer lifecycle', () => {
  it('uses defaultReply (function form) when the queue is empty', async () => {
    const fake = await FakeOpenAIServer.start({ defaultReply: (req) => ({ kind: 'text', text: `echo ${req.body.messages[0].content}` }) });
    const sdk = new OpenAI({ apiKey: 'test', baseURL: fake.baseURL, maxRetries: 0 });
    try {
      const completion = await sdk.chat.completions.create({ model: 'gpt-test', messages });
      expect(completion.choices[0].message.content).toBe('echo hi');
    } finally {
      await fake.close();
    }
  });

  it('close() does not wait for a hanging stream, and that is not a client close', async () => {
    const fake = await FakeOpenAIServer.start({ defaultReply: { kind: 'hang' } });
    const sdk = new OpenAI({ apiKey: 'test', baseURL: fake.baseURL, maxRetries: 0, logLevel: 'off' });
    const stream = await sdk.chat.completions.create({ model: 'gpt-test', messages, stream: true });
    const iterating = (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);

    const started = Date.now();
    await fake.close();

    expect(Date.now() - started).toBeLessThan(500);
    expect(await iterating).toMatchObject({ message: 'terminated' });
    expect(fake.requests[0].closedByClient).toBe(false);
  });
});
