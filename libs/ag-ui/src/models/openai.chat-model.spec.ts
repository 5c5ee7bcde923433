import { OpenAI } from 'openai';
import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModelChunk, ChatModelRequest } from './chat-model.interface.js';
import { classifyOpenAIError, OpenAIChatModel } from './openai.chat-model.js';

const SECRET = 'Incorrect API key provided: sk-secret-1234';

function apiError(status: number, body: Record<string, unknown> = {}, headers = new Headers()): InstanceType<typeof OpenAI.APIError> {
  return OpenAI.APIError.generate(status, { error: { message: SECRET, ...body } }, SECRET, headers);
}

function classify(error: unknown): ModelError {
  const result = classifyOpenAIError(error);
  expect(result).toBeInstanceOf(ModelError);
  const modelError = result as ModelError;
  // Never pass the provider's words on: they may quote a key.
  expect(modelError.message).not.toContain('sk-secret');
  expect(JSON.stringify(modelError)).not.toContain('sk-secret');
  expect(modelError.status).toBe(502);
  return modelError;
}

describe('classifyOpenAIError', () => {
  it.each([401, 403])('%i → MODEL_AUTH_FAILED, not retryable', (status) => {
    const error = classify(apiError(status));
    expect(error.code).toBe('MODEL_AUTH_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('429 → MODEL_RATE_LIMITED, retryable, with Retry-After seconds', () => {
    const error = classify(apiError(429, { code: 'rate_limit_exceeded' }, new Headers({ 'retry-after': '3' })));
    expect(error.code).toBe('MODEL_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBe(3);
  });

  it('429 without or with an unusable Retry-After leaves retryAfterSeconds undefined', () => {
    expect(classify(apiError(429)).retryAfterSeconds).toBeUndefined();
    expect(classify(apiError(429, {}, new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).retryAfterSeconds).toBeUndefined();
    expect(classify(apiError(429, {}, new Headers({ 'retry-after': '-1' }))).retryAfterSeconds).toBeUndefined();
  });

  it('429 insufficient_quota → MODEL_RATE_LIMITED, not retryable', () => {
    const error = classify(apiError(429, { code: 'insufficient_quota' }, new Headers({ 'retry-after': '3' })));
    expect(error.code).toBe('MODEL_RATE_LIMITED');
    expect(error.retryable).toBe(false);
  });

  it.each([500, 502, 503, 408, 409])('%i → MODEL_UNAVAILABLE, retryable', (status) => {
    const error = classify(apiError(status));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('503 carries Retry-After through', () => {
    expect(classify(apiError(503, {}, new Headers({ 'retry-after': '7' }))).retryAfterSeconds).toBe(7);
  });

  it.each([400, 404, 422])('%i → MODEL_REQUEST_REJECTED, not retryable', (status) => {
    const error = classify(apiError(status));
    expect(error.code).toBe('MODEL_REQUEST_REJECTED');
    expect(error.retryable).toBe(false);
  });

  it('a status-less APIError (an error event inside the stream) → MODEL_BAD_RESPONSE', () => {
    const error = classify(new OpenAI.APIError(undefined, { message: SECRET }, undefined, undefined));
    expect(error.code).toBe('MODEL_BAD_RESPONSE');
    expect(error.retryable).toBe(false);
  });

  it('SyntaxError → MODEL_BAD_RESPONSE', () => {
    const error = classify(new SyntaxError(`Unexpected token in JSON: ${SECRET}`));
    expect(error.code).toBe('MODEL_BAD_RESPONSE');
    expect(error.retryable).toBe(false);
  });

  it('connection error → MODEL_UNAVAILABLE, retryable', () => {
    const error = classify(new OpenAI.APIConnectionError({ message: `connect ECONNREFUSED ${SECRET}` }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('connection timeout → MODEL_TIMEOUT, retryable', () => {
    const error = classify(new OpenAI.APIConnectionTimeoutError());
    expect(error.code).toBe('MODEL_TIMEOUT');
    expect(error.retryable).toBe(true);
  });

  it('user abort is returned unchanged', () => {
    const abort = new OpenAI.APIUserAbortError();
    expect(classifyOpenAIError(abort)).toBe(abort);
  });

  it('a ModelError is returned unchanged', () => {
    const original = new ModelError('MODEL_TIMEOUT', 'x', true);
    expect(classifyOpenAIError(original)).toBe(original);
  });

  it('anything else (fetch TypeError "terminated") → MODEL_STREAM_INTERRUPTED, retryable', () => {
    const error = classify(new TypeError(`terminated ${SECRET}`));
    expect(error.code).toBe('MODEL_STREAM_INTERRUPTED');
    expect(error.retryable).toBe(true);
  });
});

/** A real SDK client whose fetch answers from a script, so the adapter is tested end to end without a network. */
function clientAnswering(respond: (body: Record<string, unknown>) => Response): { client: OpenAI; bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  const client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://openai.invalid/v1',
    maxRetries: 0,
    fetch: async (_url: string | URL | Request, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      bodies.push(body);
      return respond(body);
    },
  });
  return { client, bodies };
}

function sse(chunks: unknown[], done = true): Response {
  const text = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
  return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

function request(overrides: Partial<ChatModelRequest> = {}): ChatModelRequest {
  return {
    model: 'gpt-test',
    instructions: 'Be brief.',
    messages: [{ id: 'u1', role: 'user', content: 'hi' }],
    tools: [{ name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: true }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<ChatModelChunk>): Promise<ChatModelChunk[]> {
  const out: ChatModelChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('OpenAIChatModel.stream', () => {
  it('maps reasoning, text, tool calls, finish and usage chunks and sends the request it should', async () => {
    const { client, bodies } = clientAnswering(() =>
      sse([
        chunk({ role: 'assistant', reasoning_content: 'hmm' }),
        chunk({ content: 'Hi' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":1}' } }] }),
        chunk({}, 'tool_calls'),
        { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'gpt-test', choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
      ]),
    );
    const chunks = await collect(new OpenAIChatModel(client).stream(request({ temperature: 0.2 })));
    expect(chunks).toEqual([
      { type: 'reasoning', delta: 'hmm' },
      { type: 'text', delta: 'Hi' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'lookup' },
      { type: 'tool-call-args', index: 0, delta: '{"q":1}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: { provider: 'openai', model: 'gpt-test', inputTokens: 5, outputTokens: 7, totalTokens: 12 } },
    ]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: true } }],
    });
  });

  it('converts a tool definition once and sends the same tools on every request; a tool without strict carries no strict flag', async () => {
    const { client, bodies } = clientAnswering(() => sse([chunk({ content: 'ok' }, 'stop')]));
    const model = new OpenAIChatModel(client);
    const tools = [{ name: 'plain', description: 'Plain', parameters: { type: 'object', properties: { q: { type: 'string' } } } }, ...request().tools];
    await collect(model.stream(request({ tools })));
    await collect(model.stream(request({ tools: [tools[1]!, tools[0]!] })));
    const expected = [
      { type: 'function', function: { name: 'plain', description: 'Plain', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
      { type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} }, strict: true } },
    ];
    expect(bodies[0]!.tools).toEqual(expected);
    expect(bodies[1]!.tools).toEqual([expected[1], expected[0]]);
  });

  it('omits stream_options when streamUsage is off and tools when there are none', async () => {
    const { client, bodies } = clientAnswering(() => sse([chunk({ content: 'ok' }, 'stop')]));
    await collect(new OpenAIChatModel(client, { streamUsage: false }).stream(request({ tools: [] })));
    expect(bodies[0]).not.toHaveProperty('stream_options');
    expect(bodies[0]).not.toHaveProperty('tools');
    expect(bodies[0]).not.toHaveProperty('temperature');
  });

  it('sends maxOutputTokens as max_completion_tokens, or as max_tokens when configured so, and neither when unset', async () => {
    const { client, bodies } = clientAnswering(() => sse([chunk({ content: 'ok' }, 'stop')]));
    await collect(new OpenAIChatModel(client).stream(request({ maxOutputTokens: 321 })));
    await collect(new OpenAIChatModel(client, { outputTokensParam: 'max_tokens' }).stream(request({ maxOutputTokens: 123 })));
    await collect(new OpenAIChatModel(client).stream(request()));
    expect(bodies[0]).toMatchObject({ max_completion_tokens: 321 });
    expect(bodies[0]).not.toHaveProperty('max_tokens');
    expect(bodies[1]).toMatchObject({ max_tokens: 123 });
    expect(bodies[1]).not.toHaveProperty('max_completion_tokens');
    expect(bodies[2]).not.toHaveProperty('max_tokens');
    expect(bodies[2]).not.toHaveProperty('max_completion_tokens');
  });

  it('throws MODEL_STREAM_INTERRUPTED when the stream ends without a finish reason', async () => {
    const { client } = clientAnswering(() => sse([chunk({ content: 'partial' })]));
    const seen: ChatModelChunk[] = [];
    const error = await (async () => {
      try {
        for await (const c of new OpenAIChatModel(client).stream(request())) seen.push(c);
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual([{ type: 'text', delta: 'partial' }]);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('MODEL_STREAM_INTERRUPTED');
    expect((error as ModelError).retryable).toBe(true);
  });

  it('classifies an HTTP failure without leaking the provider message', async () => {
    const { client } = clientAnswering(
      () => new Response(JSON.stringify({ error: { message: SECRET, type: 'invalid_request_error', code: 'invalid_api_key' } }), { status: 401, headers: { 'content-type': 'application/json' } }),
    );
    const error = await collect(new OpenAIChatModel(client).stream(request())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('MODEL_AUTH_FAILED');
    expect((error as ModelError).message).not.toContain('sk-secret');
  });
});
