import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModelChunk, ChatModelRequest } from '../models/chat-model.interface.js';
import { ScriptedChatModel } from './scripted.chat-model.js';
import { reply } from './scripted-turn.js';

function request(overrides: Partial<ChatModelRequest> = {}): ChatModelRequest {
  return { model: 'm', messages: [{ id: 'u1', role: 'user', content: 'hi' }], tools: [], signal: new AbortController().signal, ...overrides };
}

async function collect(model: ScriptedChatModel, req = request()): Promise<{ chunks: ChatModelChunk[]; error?: unknown }> {
  const chunks: ChatModelChunk[] = [];
  try {
    for await (const chunk of model.stream(req)) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

describe('ScriptedChatModel', () => {
  it('streams text piece by piece, then finishes with stop', async () => {
    const { chunks } = await collect(new ScriptedChatModel([reply.text('Hello', ' world')]));
    expect(chunks).toEqual([
      { type: 'text', delta: 'Hello' },
      { type: 'text', delta: ' world' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('streams tool calls with their arguments split over several chunks and numbered ids across turns', async () => {
    const model = new ScriptedChatModel([
      reply.reasoning('Need the weather').toolCall('getWeather', { city: 'Paris' }).toolCall('getTime', { zone: 'CET' }, { chunks: 2 }),
      reply.toolCall('getWeather', { city: 'Rome' }, { id: 'mine' }).toolCall('getWeather', { city: 'Oslo' }),
    ]);
    const first = (await collect(model)).chunks;
    expect(first[0]).toEqual({ type: 'reasoning', delta: 'Need the weather' });
    expect(first[1]).toEqual({ type: 'tool-call-start', index: 0, id: 'call_1', name: 'getWeather' });
    const args = (index: number) => first.filter((c) => c.type === 'tool-call-args' && c.index === index).map((c) => (c as { delta: string }).delta);
    expect(args(0).length).toBe(3);
    expect(JSON.parse(args(0).join(''))).toEqual({ city: 'Paris' });
    expect(args(1).length).toBe(2);
    expect(first).toContainEqual({ type: 'tool-call-start', index: 1, id: 'call_2', name: 'getTime' });
    expect(first.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });

    const second = (await collect(model)).chunks.filter((c) => c.type === 'tool-call-start');
    expect(second.map((c) => (c as { id: string }).id)).toEqual(['mine', 'call_3']);
  });

  it('records every request as it was sent, and answers questions about it', async () => {
    const model = new ScriptedChatModel([reply.text('a'), reply.text('b')]);
    const messages = [{ id: 'u1', role: 'user' as const, content: 'What is the weather?' }];
    const tools = [{ name: 'getWeather', description: 'Weather', parameters: { type: 'object' } }];
    await collect(model, request({ model: 'gpt-test', instructions: 'Be brief', messages, tools, temperature: 0.2 }));
    messages.push({ id: 'u2', role: 'user', content: 'later' });
    await collect(model, request({ messages: [{ id: 'u3', role: 'user', content: [{ type: 'text', text: 'parts' }] } as never] }));

    expect(model.requests).toHaveLength(2);
    expect(model.request(0)).toMatchObject({ model: 'gpt-test', instructions: 'Be brief', temperature: 0.2, tools });
    expect(model.request(0).messages).toHaveLength(1);
    expect(model.toolsOffered(0)).toEqual(['getWeather']);
    expect(model.lastUserText(0)).toBe('What is the weather?');
    expect(model.lastUserText()).toBe('parts');
    expect(model.lastRequest).toBe(model.requests[1]);
    expect(() => model.request(5)).toThrow('there is no request 5; the model was asked 2 time(s)');
  });

  it('fails the request that finds no turn left, with a message that says so, and expectDone reports it', async () => {
    const model = new ScriptedChatModel([reply.text('only one')]);
    await collect(model);
    const { error } = await collect(model);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'MODEL_BAD_RESPONSE', retryable: false });
    expect((error as Error).message).toMatch(/^ScriptedChatModel ran out of turns: request 2 came after the last scripted turn/);
    expect(() => model.expectDone()).toThrow('asked the model 2 time(s), 1 more than there were scripted turns');
  });

  it('expectDone names turns never played, and passes once all are', async () => {
    const model = new ScriptedChatModel([reply.text('a')]).push(reply.text('b'));
    await collect(model);
    expect(model.remaining).toBe(1);
    expect(() => model.expectDone()).toThrow('1 scripted turn(s) were never played');
    await collect(model);
    expect(() => model.expectDone()).not.toThrow();
  });

  it('fails mid-turn with a ModelError: retryable by its code unless told', async () => {
    const model = new ScriptedChatModel([
      reply.text('partial').error('MODEL_RATE_LIMITED', { retryAfterSeconds: 2 }),
      reply.error('MODEL_RATE_LIMITED', { retryable: false, message: 'quota gone' }),
      reply.error('MODEL_AUTH_FAILED'),
      reply.error(new TypeError('boom')),
    ]);
    const first = await collect(model);
    expect(first.chunks).toEqual([{ type: 'text', delta: 'partial' }]);
    expect(first.error).toMatchObject({ code: 'MODEL_RATE_LIMITED', retryable: true, retryAfterSeconds: 2 });
    expect((await collect(model)).error).toMatchObject({ retryable: false, message: 'quota gone' });
    expect((await collect(model)).error).toMatchObject({ code: 'MODEL_AUTH_FAILED', retryable: false });
    expect((await collect(model)).error).toBeInstanceOf(TypeError);
  });

  it('pauses where the script says, and between chunks with chunkDelayMs', async () => {
    const started = performance.now();
    await collect(new ScriptedChatModel([reply.text('a').delay(40).text('b')]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    const spaced = performance.now();
    await collect(new ScriptedChatModel([reply.text('a', 'b', 'c')], { chunkDelayMs: 20 }));
    expect(performance.now() - spaced).toBeGreaterThanOrEqual(35);
  });

  it('hangs until the request is aborted, then fails with the abort reason; the signal is recorded', async () => {
    const model = new ScriptedChatModel([reply.text('t').hang()]);
    const abort = new AbortController();
    const pending = collect(model, request({ signal: abort.signal }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(model.chunksSent).toBe(1);
    abort.abort(new Error('gone'));
    const { chunks, error } = await pending;
    expect(chunks).toEqual([{ type: 'text', delta: 't' }]);
    expect((error as Error).message).toBe('gone');
    expect(model.lastRequest.signal.aborted).toBe(true);
  });

  it('usage and an explicit finish reason are streamed as given', async () => {
    const { chunks } = await collect(new ScriptedChatModel([reply.usage({ inputTokens: 3, outputTokens: 1 }).text('x').finish('length')]));
    expect(chunks).toEqual([{ type: 'usage', usage: { inputTokens: 3, outputTokens: 1 } }, { type: 'text', delta: 'x' }, { type: 'finish', reason: 'length' }]);
  });
});
