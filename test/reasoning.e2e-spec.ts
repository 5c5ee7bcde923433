import { HttpAgent } from '@ag-ui/client';
import { EventType, type BaseEvent, type RunAgentInput } from '@ag-ui/core';
import OpenAI from 'openai';
import { TestTools } from './fixtures/test.tools.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { FakeOpenAIServer, type FakeReasoningField } from './support/fake-openai.server.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REASONING_SPAN = [EventType.REASONING_START, EventType.REASONING_MESSAGE_START];
const REASONING_CLOSE = [EventType.REASONING_MESSAGE_END, EventType.REASONING_END];
const REASONING_TYPES = new Set<string>([...REASONING_SPAN, EventType.REASONING_MESSAGE_CONTENT, ...REASONING_CLOSE]);

/** The one messageId all reasoning events of a run share (asserted), so tests can compare it with others. */
function reasoningIdOf(events: readonly BaseEvent[]): string {
  const ids = new Set(events.filter((e) => REASONING_TYPES.has(e.type)).map((e) => (e as BaseEvent & { messageId: string }).messageId));
  expect(ids.size).toBe(1);
  const [id] = ids;
  expect(id).toEqual(expect.any(String));
  return id!;
}

const reasoningDeltas = (events: readonly BaseEvent[]) => ofType(events, EventType.REASONING_MESSAGE_CONTENT).map((e) => e.delta);

describe('reasoning from an OpenAI-compatible model', () => {
  let t: TestApp;
  let tools: TestTools;

  beforeAll(async () => {
    t = await startTestApp({ providers: [TestTools] });
    tools = t.app.get(TestTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    expect(t.fake.pending).toBe(0);
    t.fake.reset();
    tools.calls.length = 0;
  });

  describe.each<{ field: FakeReasoningField | undefined; label: string }>([
    { field: undefined, label: 'delta.reasoning_content (the default)' },
    { field: 'reasoning_content', label: 'delta.reasoning_content (explicit)' },
    { field: 'reasoning', label: 'delta.reasoning (vLLM, OpenRouter)' },
  ])('streamed as $label', ({ field }) => {
    it('becomes one reasoning message, closed before the answer text starts, and the client keeps both', async () => {
      const thoughts = ['The user ', 'greets me', '; answer kindly.'];
      t.fake.enqueue({ kind: 'text', reasoning: thoughts, ...(field ? { reasoningField: field } : {}), text: ['Hello', ' there!'] });
      const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Hi')] });
      await expectValidRun(run.events, run.input);

      expect(run.events.map((e) => e.type)).toEqual([
        EventType.RUN_STARTED,
        ...REASONING_SPAN,
        ...thoughts.map(() => EventType.REASONING_MESSAGE_CONTENT),
        ...REASONING_CLOSE,
        EventType.TEXT_MESSAGE_START,
        EventType.TEXT_MESSAGE_CONTENT,
        EventType.TEXT_MESSAGE_CONTENT,
        EventType.TEXT_MESSAGE_END,
        EventType.RUN_FINISHED,
      ]);
      expect(ofType(run.events, EventType.REASONING_MESSAGE_START)[0]).toMatchObject({ role: 'reasoning' });
      expect(reasoningDeltas(run.events)).toEqual(thoughts);
      const reasoningId = reasoningIdOf(run.events);
      const textId = ofType(run.events, EventType.TEXT_MESSAGE_START)[0]!.messageId;
      expect(ofType(run.events, EventType.TEXT_MESSAGE_START)[0]).toMatchObject({ role: 'assistant' });
      expect(textId).not.toBe(reasoningId);
      expect(streamedText(run.events)).toBe('Hello there!');

      // What a UI built on the real client would render.
      expect(run.messages.slice(1)).toEqual([
        expect.objectContaining({ id: reasoningId, role: 'reasoning', content: thoughts.join('') }),
        expect.objectContaining({ id: textId, role: 'assistant', content: 'Hello there!' }),
      ]);
    });
  });

  it('closes reasoning (MESSAGE_END + END) before a backend tool call starts, and keeps it out of the next model turn', async () => {
    const thoughts = ['I need ', 'the weather ', 'for Oslo.'];
    t.fake.enqueue(
      { kind: 'tool-calls', reasoning: thoughts, calls: [{ id: 'call_r', name: 'getWeather', args: ['{"city":', '"Oslo"}'] }] },
      { kind: 'text', text: 'It is 21°C in Oslo.' },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Weather in Oslo?')] });
    await expectValidRun(run.events, run.input);

    expect(run.events.map((e) => e.type)).toEqual([
      EventType.RUN_STARTED,
      ...REASONING_SPAN,
      ...thoughts.map(() => EventType.REASONING_MESSAGE_CONTENT),
      ...REASONING_CLOSE,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
      EventType.TOOL_CALL_RESULT,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.RUN_FINISHED,
    ]);
    expect(reasoningDeltas(run.events)).toEqual(thoughts);
    const reasoningId = reasoningIdOf(run.events);
    const [start] = ofType(run.events, EventType.TOOL_CALL_START);
    expect(start).toMatchObject({ toolCallId: 'call_r', toolCallName: 'getWeather' });
    expect(start!.parentMessageId).not.toBe(reasoningId);
    expect(tools.calls).toEqual([expect.objectContaining({ name: 'getWeather', args: { city: 'Oslo' } })]);

    // The model's second step sees the call and its result, not the thoughts that led to it.
    const second = (await t.fake.waitForRequest(1)).body.messages;
    expect(JSON.stringify(second)).not.toContain('the weather');
    expect(second.slice(-2)).toEqual([
      { role: 'assistant', tool_calls: [{ id: 'call_r', type: 'function', function: { name: 'getWeather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_r', content: '{"city":"Oslo","temperatureC":21,"sky":"clear"}' },
    ].map((m) => expect.objectContaining(m)));
    expect(run.messages.find((m) => m.role === 'reasoning')).toMatchObject({ id: reasoningId, content: thoughts.join('') });
  });

  it('is never sent back to the model, though the client sends its reasoning message on the next run', async () => {
    const sent: RunAgentInput[] = [];
    const agent = new HttpAgent({
      url: t.agentUrl,
      threadId: `thread-reasoning-${Date.now()}`,
      // Records the AG-UI body the real client posts, then posts it.
      fetch: (url, init) => {
        sent.push(JSON.parse(String(init.body)) as RunAgentInput);
        return fetch(url, init);
      },
    });
    const secret = 'SECRET-CHAIN-OF-THOUGHT-7f3a';
    t.fake.enqueue(
      { kind: 'text', reasoning: ['Pondering ', secret], reasoningField: 'reasoning', text: 'Four.' },
      { kind: 'text', text: 'Eight.' },
    );

    const first = await runWithHttpAgent({ agent, messages: [userMessage('2+2?')] });
    await expectValidRun(first.events, first.input);
    const reasoningId = reasoningIdOf(first.events);
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'reasoning', 'assistant']);

    const second = await runWithHttpAgent({ agent, messages: [userMessage('And doubled?')] });
    await expectValidRun(second.events, second.input);
    expect(streamedText(second.events)).toBe('Eight.');
    expect(ofType(second.events, EventType.REASONING_START)).toHaveLength(0);

    // The client did send its reasoning message in the second run's body...
    expect(sent).toHaveLength(2);
    expect(sent[1]!.messages.map((m) => m.role)).toEqual(['user', 'reasoning', 'assistant', 'user']);
    expect(sent[1]!.messages[1]).toMatchObject({ id: reasoningId, role: 'reasoning', content: `Pondering ${secret}` });

    // ...but the model got the conversation without it.
    const toModel = (await t.fake.waitForRequest(1)).body;
    expect(JSON.stringify(toModel)).not.toContain(secret);
    expect(JSON.stringify(toModel)).not.toContain('Pondering');
    expect(toModel.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: '2+2?' },
      { role: 'assistant', content: 'Four.' },
      { role: 'user', content: 'And doubled?' },
    ]);
  });
});

/** The fake's own wire format for reasoning, checked with the real openai SDK (the specs above rely on it). */
describe('FakeOpenAIServer reasoning replies', () => {
  let fake: FakeOpenAIServer;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await FakeOpenAIServer.start();
    client = new OpenAI({ apiKey: 'test', baseURL: fake.baseURL, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    expect(fake.pending).toBe(0);
    fake.reset();
  });

  const streamDeltas = async () => {
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const deltas: Array<Record<string, unknown>> = [];
    for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as Record<string, unknown>);
    return deltas;
  };

  it.each<FakeReasoningField>(['reasoning_content', 'reasoning'])('streams tool-call reasoning under %s, first, one chunk per piece', async (field) => {
    fake.enqueue({ kind: 'tool-calls', reasoning: ['a', 'b'], reasoningField: field, text: 'T', calls: [{ id: 'c', name: 'f', args: '{}' }] });
    const deltas = await streamDeltas();
    const other = field === 'reasoning' ? 'reasoning_content' : 'reasoning';
    expect(deltas.filter((d) => field in d).map((d) => d[field])).toEqual(['a', 'b']);
    expect(deltas.some((d) => other in d)).toBe(false);
    expect(deltas.findLastIndex((d) => field in d)).toBeLessThan(deltas.findIndex((d) => d.content === 'T'));
    expect(deltas.findIndex((d) => d.content === 'T')).toBeLessThan(deltas.findIndex((d) => d.tool_calls !== undefined));
  });

  it('puts joined reasoning on the non-stream message under the chosen field', async () => {
    fake.enqueue(
      { kind: 'text', reasoning: ['x', 'y'], text: 'ok' },
      { kind: 'text', reasoning: ['x', 'y'], reasoningField: 'reasoning', text: 'ok' },
      { kind: 'tool-calls', reasoning: ['z'], reasoningField: 'reasoning', calls: [{ id: 'c', name: 'f', args: '{}' }] },
      { kind: 'text', text: 'plain' },
    );
    const create = async () =>
      (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).choices[0]!.message as unknown as Record<string, unknown>;
    expect(await create()).toMatchObject({ content: 'ok', reasoning_content: 'xy' });
    const viaReasoning = await create();
    expect(viaReasoning).toMatchObject({ content: 'ok', reasoning: 'xy' });
    expect(viaReasoning).not.toHaveProperty('reasoning_content');
    expect(await create()).toMatchObject({ reasoning: 'z', tool_calls: [{ id: 'c' }] });
    const plain = await create();
    expect(plain).not.toHaveProperty('reasoning');
    expect(plain).not.toHaveProperty('reasoning_content');
  });
});
