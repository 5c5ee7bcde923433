import { EventType, type BaseEvent, type Message } from '@ag-ui/core';
import { HttpAgent } from '@ag-ui/client';
import jsonPatch from 'fast-json-patch';
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import type { FakeReply } from './support/fake-openai.server.js';
import { runWithHttpAgent, userMessage, type AgentRun, type RunOptions } from './support/http-agent.client.js';
import { replayState } from './support/state-replay.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';
import { StateTools } from './fixtures/state.tools.js';

type AnyEvent = BaseEvent & Record<string, any>;


/** Index of the first event matching. */
const indexOf = (events: readonly BaseEvent[], predicate: (event: AnyEvent) => boolean) => (events as AnyEvent[]).findIndex(predicate);
const resultOf = (events: readonly BaseEvent[], toolCallId: string) =>
  (events as AnyEvent[]).find((event) => event.type === EventType.TOOL_CALL_RESULT && event.toolCallId === toolCallId)!;
const isResult = (toolCallId: string) => (event: AnyEvent) => event.type === EventType.TOOL_CALL_RESULT && event.toolCallId === toolCallId;
const toolCalls = (...calls: Array<{ id: string; name: string; args?: string | string[] }>): FakeReply => ({
  kind: 'tool-calls',
  calls: calls.map((call) => ({ args: '{}', ...call })),
});
const text = (value: string): FakeReply => ({ kind: 'text', text: value });

describe.each(PLATFORMS)('shared state, predictive state, progress, steps and messages snapshot (%s)', (platform) => {
  let t: TestApp;
  let tools: StateTools;
  /** What the client warned about (a patch it could not apply, say): must stay empty. */
  const warnings: string[] = [];
  const originalWarn = console.warn;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [StateTools],
      options: {
        agents: [
          { id: 'assistant', description: 'Plain', instructions: 'You are a test agent.', model: 'test-model' },
          {
            id: 'typed',
            description: 'With a state schema',
            model: 'test-model',
            stateSchema: z.object({ count: z.number().int(), items: z.array(z.string()), theme: z.enum(['light', 'dark']).optional() }),
          },
          { id: 'steps', description: 'With steps', model: 'test-model', events: { steps: true } },
          { id: 'snap', description: 'With a messages snapshot', instructions: 'You are a test agent.', model: 'test-model', events: { messagesSnapshot: true } },
        ],
      },
    });
    tools = t.app.get(StateTools);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    warnings.length = 0;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  });
  afterEach(() => {
    console.warn = originalWarn;
    t.fake.reset();
    tools.reset();
  });

  const urlOf = (agentId: string) => `${t.url}/agents/${agentId}`;

  /** One run through HttpAgent that must be a valid AG-UI stream the client applied without a warning. */
  async function run(agentId: string, replies: FakeReply[], options: Partial<RunOptions> = {}): Promise<AgentRun> {
    t.fake.enqueue(...replies);
    const result = await runWithHttpAgent({ url: urlOf(agentId), messages: [userMessage('go')], ...options });
    await expectValidRun(result.events, result.input);
    expect(warnings).toEqual([]);
    expect(t.fake.pending).toBe(0);
    return result;
  }

  describe('1-4, 10: ctx.state and setState', () => {
    it('1. hands the tool the client’s state, and sends each setState as a delta the client applies cleanly', async () => {
      const initial = {
        profile: { name: 'Bo', address: { street: 'Main 1', city: 'Bergen' } },
        items: ['a', 'b'],
        matrix: [
          [1, 2],
          [3, 4],
        ],
        obsolete: true,
        'x/y': 1,
        'til~de': 'gone',
        kind: { nested: 1 },
        count: 3,
      };
      const result = await run('assistant', [toolCalls({ id: 'e1', name: 'editProfile' }), text('done')], { state: initial });

      expect(tools.seen).toEqual([{ tool: 'editProfile', state: initial }]);
      const expected = {
        profile: { name: 'Ann', address: { city: 'Oslo', zip: '0150' } },
        items: ['b', 'c'],
        matrix: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        'x/y': 2,
        'a/b': 1,
        'c~d': { 'e~1f/g': true, '~0': '~1' },
        '~': '/',
        kind: 'text',
        count: null,
        '': 'empty key',
      };
      const serverFinal = JSON.parse(resultOf(result.events, 'e1').content);
      expect(serverFinal).toEqual(expected);
      expect(tools.lastContext!.state).toEqual(expected);
      // One delta per setState, no snapshot, all of them before the call's result.
      const deltas = ofType(result.events, EventType.STATE_DELTA);
      expect(deltas).toHaveLength(6);
      expect(ofType(result.events, EventType.STATE_SNAPSHOT)).toHaveLength(0);
      const resultAt = indexOf(result.events, isResult('e1'));
      for (const delta of deltas) expect(result.events.indexOf(delta)).toBeLessThan(resultAt);
      // Pointers escape `~` as ~0 and `/` as ~1.
      const paths = deltas.flatMap((delta) => delta.delta.map((op: { path: string }) => op.path));
      expect(paths).toEqual(expect.arrayContaining(['/x~1y', '/til~0de', '/a~1b', '/c~0d', '/~0', '/']));
      // The client applied every delta (no warning above) and holds exactly what the tool ended with.
      expect(result.agent.state).toEqual(expected);
      expect(replayState(initial, result.events)).toEqual(expected);
    });

    it('2. sends a change made in place (no setState) as a delta before the call’s result', async () => {
      const initial = { counter: { value: 1 }, log: [] as string[], temp: 'x' };
      const result = await run('assistant', [toolCalls({ id: 'b1', name: 'bumpInPlace' }), text('done')], { state: initial });

      const deltas = ofType(result.events, EventType.STATE_DELTA);
      expect(deltas).toHaveLength(1);
      const deltaAt = result.events.indexOf(deltas[0]!);
      expect(deltaAt).toBeGreaterThan(indexOf(result.events, (event) => event.type === EventType.TOOL_CALL_END && event.toolCallId === 'b1'));
      expect(deltaAt).toBe(indexOf(result.events, isResult('b1')) - 1);
      const expected = { counter: { value: 2 }, log: ['bumped'], 'new/key': { at: 'end' } };
      expect(result.agent.state).toEqual(expected);
      expect(tools.lastContext!.state).toEqual(expected);
      expect(replayState(initial, result.events)).toEqual(expected);
    });

    it('3. sends a STATE_SNAPSHOT whenever the root changes kind, and deltas on an array root', async () => {
      const result = await run('assistant', [toolCalls({ id: 'l1', name: 'becomeList' }), text('done')]);

      expect(tools.seen).toEqual([{ tool: 'becomeList', state: {} }]);
      const stateEvents = (result.events as AnyEvent[])
        .filter((event) => event.type === EventType.STATE_SNAPSHOT || event.type === EventType.STATE_DELTA)
        .map(({ type, snapshot, delta }) => (type === EventType.STATE_SNAPSHOT ? { snapshot } : { delta }));
      expect(stateEvents).toEqual([
        { snapshot: ['a', 'b'] },
        { delta: [{ op: 'add', path: '/2', value: 'c' }] },
        { snapshot: { back: 'object' } },
        { snapshot: 'just text' },
        { snapshot: { finally: ['an', 'object'] } },
      ]);
      expect(result.agent.state).toEqual({ finally: ['an', 'object'] });
      expect(JSON.parse(resultOf(result.events, 'l1').content)).toEqual({ finally: ['an', 'object'] });

      // A client whose state is an array sends it; the tool sees it, and turning it into an object is a snapshot.
      result.agent.setState(['x'] as unknown as Record<string, unknown>);
      const again = await run('assistant', [toolCalls({ id: 'l2', name: 'touch' }), text('done')], { agent: result.agent });
      expect(tools.seen[1]).toEqual({ tool: 'touch', state: ['x'] });
      expect(ofType(again.events, EventType.STATE_SNAPSHOT)).toHaveLength(1);
      expect(again.agent.state).toEqual({ 0: 'x', runs: 1, lastRun: again.input.runId, history: [again.input.runId] });
    });

    it('3b. after a null snapshot, the next run’s deltas still apply on the client (it holds null, not {})', async () => {
      const first = await run('assistant', [toolCalls({ id: 'n1', name: 'clearState' }), text('done')], { state: { a: 1 } });
      expect(ofType(first.events, EventType.STATE_SNAPSHOT).map((event) => event.snapshot)).toEqual([null]);
      expect(first.agent.state).toBeNull();

      // The client now sends `state: null`; RunAgentInputSchema turns that into "no state", which the server takes for {}.
      t.fake.enqueue(toolCalls({ id: 'n2', name: 'touch' }), text('done'));
      const second = await runWithHttpAgent({ agent: first.agent, messages: [userMessage('again')] });
      await expectValidRun(second.events, second.input);
      const serverFinal = JSON.parse(resultOf(second.events, 'n2').content);
      expect(warnings.filter((warning) => warning.includes('Failed to apply state patch'))).toEqual([]);
      expect(second.agent.state).toEqual(serverFinal);
    });

    it('4. starts each run from the state the client sends, not from the previous run’s', async () => {
      const first = await run('assistant', [toolCalls({ id: 't1', name: 'touch' }), text('done')], { state: { runs: 0, theme: 'light' } });
      expect(first.agent.state).toEqual({ runs: 1, theme: 'light', lastRun: first.input.runId, history: [first.input.runId] });

      const clientVersion = { ...first.agent.state, runs: 10, theme: 'dark', clientOnly: true, history: ['client'] };
      first.agent.setState(clientVersion);
      const second = await run('assistant', [toolCalls({ id: 't2', name: 'touch' }), text('done')], { agent: first.agent });

      expect(tools.seen.map(({ state }) => state)).toEqual([{ runs: 0, theme: 'light' }, clientVersion]);
      const expected = { runs: 11, theme: 'dark', clientOnly: true, lastRun: second.input.runId, history: ['client', second.input.runId] };
      expect(second.agent.state).toEqual(expected);
      expect(JSON.parse(resultOf(second.events, 't2').content)).toEqual(expected);
      expect(replayState(clientVersion, second.events)).toEqual(expected);
      // Only what changed travels.
      expect(ofType(second.events, EventType.STATE_SNAPSHOT)).toHaveLength(0);
    });

    it('10. parallel tools changing different keys: both changes reach the client, which ends with the server’s state', async () => {
      const initial = { shared: [] as string[], untouched: { deep: [1, 2, 3] } };
      const result = await run(
        'assistant',
        [
          toolCalls({ id: 'k1', name: 'setKey', args: '{"key":"left","value":"L"}' }, { id: 'k2', name: 'setKey', args: '{"key":"right","value":"R"}' }),
          text('done'),
        ],
        { state: initial },
      );

      expect(resultOf(result.events, 'k1').content).not.toMatch(/^Error/);
      expect(resultOf(result.events, 'k2').content).not.toMatch(/^Error/);
      const serverFinal = structuredClone(tools.lastContext!.state);
      expect(serverFinal).toEqual({
        shared: expect.arrayContaining(['left', 'right']),
        untouched: { deep: [1, 2, 3] },
        left: { value: 'L', phase: 2 },
        right: { value: 'R', phase: 2 },
      });
      expect(serverFinal.shared).toHaveLength(2);
      expect(result.agent.state).toEqual(serverFinal);
      expect(replayState(initial, result.events)).toEqual(serverFinal);
      expect(ofType(result.events, EventType.STATE_DELTA).length).toBeGreaterThanOrEqual(4);
    });

    it('a setState the tool caught (a value that is not JSON) leaves the state usable and the run alive', async () => {
      t.fake.enqueue(toolCalls({ id: 'p1', name: 'poisonState' }), text('done'));
      const result = await runWithHttpAgent({ url: urlOf('assistant'), messages: [userMessage('go')], state: { a: 1 } });
      await expectValidRun(result.events, result.input);
      // The tool caught the TypeError of its bad setState and went on; the run must not die of it.
      expect(ofType(result.events, EventType.RUN_ERROR)).toEqual([]);
      expect(resultOf(result.events, 'p1')?.content).toBe('recovered from TypeError');
      expect(result.agent.state).toEqual({ a: 1, recovered: true });
      expect(t.logger.errors()).toEqual([]);
    });
  });

  describe('5. state schema', () => {
    const post = (state: unknown) =>
      fetch(urlOf('typed'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ threadId: `thread-${randomUUID()}`, runId: 'r1', messages: [userMessage('go')], ...(state === undefined ? {} : { state }) }),
      });

    it('refuses a state that does not match with 400 INVALID_INPUT naming the problem, before any model request', async () => {
      const response = await post({ count: 'three', items: ['a', 2] });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await response.json();
      expect(body).toMatchObject({ statusCode: 400, error: 'INVALID_INPUT' });
      expect(body.message).toMatch(/state does not match the state schema of agent "typed"/);
      expect(body.message).toMatch(/count/);
      expect(body.message).toMatch(/items/);

      // No state at all is `{}`, which lacks the required keys.
      const empty = await post(undefined);
      expect(empty.status).toBe(400);
      expect((await empty.json()).message).toMatch(/count/);

      // The real client sees the same refusal (and logs it with console.error, silenced here).
      const agent = new HttpAgent({ url: urlOf('typed'), threadId: `thread-${randomUUID()}` });
      agent.setState({ count: 1, items: [], theme: 'sepia' });
      const originalError = console.error;
      console.error = () => undefined;
      try {
        await expect(agent.runAgent({ runId: 'r2' })).rejects.toThrow(/HTTP 400: .*INVALID_INPUT.*theme/);
      } finally {
        console.error = originalError;
      }
      expect(t.fake.requests).toHaveLength(0);
    });

    it('runs a matching state', async () => {
      const result = await run('typed', [toolCalls({ id: 's1', name: 'touch' }), text('ok')], { state: { count: 1, items: ['a'], theme: 'dark' } });
      expect(streamedText(result.events)).toBe('ok');
      expect(tools.seen).toEqual([{ tool: 'touch', state: { count: 1, items: ['a'], theme: 'dark' } }]);
      expect(result.agent.state).toMatchObject({ count: 1, items: ['a'], theme: 'dark', runs: 1 });
    });
  });

  describe('6. predictive state', () => {
    it('announces PredictState right before the call opens, then makes the argument the state when the call runs', async () => {
      const pieces = ['{"con', 'tent":"Hello', ' wor', 'ld"}'];
      const result = await run(
        'assistant',
        [toolCalls({ id: 'w1', name: 'writeDocument', args: pieces }, { id: 'w2', name: 'touch' }), text('written')],
        { state: { title: 'T' } },
      );

      const custom = ofType(result.events, EventType.CUSTOM);
      expect(custom).toHaveLength(1);
      expect(custom[0]).toMatchObject({ name: 'PredictState', value: [{ state_key: 'document', tool: 'writeDocument', tool_argument: 'content' }] });
      const start = indexOf(result.events, (event) => event.type === EventType.TOOL_CALL_START && event.toolCallId === 'w1');
      expect(result.events.indexOf(custom[0]!)).toBe(start - 1);
      const args = (result.events as AnyEvent[]).filter((event) => event.type === EventType.TOOL_CALL_ARGS && event.toolCallId === 'w1');
      expect(args.map((event) => event.delta)).toEqual(pieces);

      // The tool already sees the predicted value; the client gets it before the result.
      expect(tools.seen.find(({ tool }) => tool === 'writeDocument')!.state).toEqual({ title: 'T', document: 'Hello world' });
      const delta = (result.events as AnyEvent[]).find(
        (event) => event.type === EventType.STATE_DELTA && event.delta.some((op: { path: string }) => op.path === '/document'),
      )!;
      expect(delta.delta).toEqual([{ op: 'add', path: '/document', value: 'Hello world' }]);
      expect(result.events.indexOf(delta)).toBeLessThan(indexOf(result.events, isResult('w1')));
      expect(result.agent.state).toMatchObject({ title: 'T', document: 'Hello world', runs: 1 });
      expect(replayState({ title: 'T' }, result.events)).toEqual(result.agent.state);
    });

    it('gives the key its old value back when the predicted call fails, or removes it when it had none', async () => {
      const failed = await run('assistant', [toolCalls({ id: 'f1', name: 'failDocument', args: ['{"content":', '"new text"}'] }), text('sorry')], {
        state: { document: 'old draft', title: 'T' },
      });
      expect(ofType(failed.events, EventType.CUSTOM)).toHaveLength(1);
      expect(resultOf(failed.events, 'f1').content).toMatch(/^Error: /);
      const deltas = ofType(failed.events, EventType.STATE_DELTA);
      expect(deltas.map((event) => event.delta)).toEqual([
        [{ op: 'replace', path: '/document', value: 'new text' }],
        [{ op: 'replace', path: '/document', value: 'old draft' }],
      ]);
      for (const delta of deltas) expect(failed.events.indexOf(delta)).toBeLessThan(indexOf(failed.events, isResult('f1')));
      expect(failed.agent.state).toEqual({ document: 'old draft', title: 'T' });

      const fresh = await run('assistant', [toolCalls({ id: 'f2', name: 'failDocument', args: '{"content":"x"}' }), text('sorry')]);
      expect(ofType(fresh.events, EventType.STATE_DELTA).map((event) => event.delta)).toEqual([
        [{ op: 'add', path: '/document', value: 'x' }],
        [{ op: 'remove', path: '/document' }],
      ]);
      expect(fresh.agent.state).toEqual({});
    });
  });

  describe('7. progress', () => {
    it('delivers progress while the tool runs: the tool waits until the client has seen the first report', async () => {
      const agent = new HttpAgent({ url: urlOf('assistant'), threadId: `thread-${randomUUID()}` });
      const arrived: string[] = [];
      agent.subscribe({
        onEvent: ({ event }) => {
          arrived.push(event.type);
          if (event.type === EventType.ACTIVITY_SNAPSHOT) tools.progressGate.open();
        },
      });
      const result = await run('assistant', [toolCalls({ id: 'g1', name: 'reportProgress' }), text('done')], { agent });

      // Had the snapshot waited for the tool to return, the tool would have timed out waiting for the client.
      expect(resultOf(result.events, 'g1').content).toBe('searched');
      expect(arrived.indexOf(EventType.ACTIVITY_SNAPSHOT)).toBeLessThan(arrived.indexOf(EventType.TOOL_CALL_RESULT));

      const activity = (result.events as AnyEvent[]).filter((event) => event.type === EventType.ACTIVITY_SNAPSHOT || event.type === EventType.ACTIVITY_DELTA);
      expect(activity.map((event) => event.type)).toEqual([EventType.ACTIVITY_SNAPSHOT, EventType.ACTIVITY_DELTA, EventType.ACTIVITY_DELTA]);
      const [snapshot] = activity;
      expect(snapshot).toMatchObject({ activityType: 'progress', content: { step: 'searching', done: 0, total: 3, found: [] }, replace: true });
      for (const event of activity) {
        expect(event.messageId).toBe(snapshot!.messageId);
        expect(event.activityType).toBe('progress');
        expect(result.events.indexOf(event)).toBeLessThan(indexOf(result.events, isResult('g1')));
      }
      // The deltas are patches from the previous report, and the client applied them.
      let content = snapshot!.content;
      for (const delta of activity.slice(1)) content = jsonPatch.applyPatch(content, delta.patch, true, false).newDocument;
      const last = { step: 'ranking', done: 3, total: 3, found: ['a', 'b'], note: 'almost' };
      expect(content).toEqual(last);
      const messages = result.agent.messages.filter((message) => message.role === 'activity');
      expect(messages).toEqual([expect.objectContaining({ id: snapshot!.messageId, activityType: 'progress', content: last })]);
    });

    it('uses the activityType the tool names', async () => {
      const result = await run('assistant', [toolCalls({ id: 'g2', name: 'reportTyped' }), text('done')]);
      const activity = (result.events as AnyEvent[]).filter((event) => event.type === EventType.ACTIVITY_SNAPSHOT || event.type === EventType.ACTIVITY_DELTA);
      expect(activity).toEqual([
        expect.objectContaining({ type: EventType.ACTIVITY_SNAPSHOT, activityType: 'search', content: { query: 'lids', hits: 0 }, replace: true }),
        expect.objectContaining({ type: EventType.ACTIVITY_DELTA, activityType: 'search', patch: [{ op: 'replace', path: '/hits', value: 4 }] }),
      ]);
      expect(result.agent.messages.find((message) => message.role === 'activity')).toMatchObject({ activityType: 'search', content: { query: 'lids', hits: 4 } });
    });
  });

  describe('8. steps', () => {
    const outline = (events: readonly BaseEvent[]) =>
      (events as AnyEvent[])
        .filter((event) => event.type !== EventType.TOOL_CALL_ARGS && event.type !== EventType.TEXT_MESSAGE_CONTENT)
        .map((event) => [event.type, event.stepName ?? event.toolCallId ?? ''].join(' ').trim());

    it('wraps model turns and tool calls in steps, in order', async () => {
      const result = await run('steps', [toolCalls({ id: 'c1', name: 'touch' }), text('fine')]);
      expect(outline(result.events)).toEqual([
        'RUN_STARTED',
        'STEP_STARTED model:1',
        'TOOL_CALL_START c1',
        'TOOL_CALL_END c1',
        'STEP_FINISHED model:1',
        'STEP_STARTED tool:touch:c1',
        'STATE_DELTA',
        'TOOL_CALL_RESULT c1',
        'STEP_FINISHED tool:touch:c1',
        'STEP_STARTED model:2',
        'TEXT_MESSAGE_START',
        'TEXT_MESSAGE_END',
        'STEP_FINISHED model:2',
        'RUN_FINISHED',
      ]);
    });

    it('gives parallel calls a step each', async () => {
      const result = await run('steps', [toolCalls({ id: 'p1', name: 'touch' }, { id: 'p2', name: 'reportTyped' }), text('fine')]);
      const steps = (result.events as AnyEvent[]).filter((event) => event.type === EventType.STEP_STARTED).map((event) => event.stepName);
      expect(steps).toEqual(['model:1', 'tool:touch:p1', 'tool:reportTyped:p2', 'model:2']);
    });

    it('sends no step events without the option', async () => {
      const result = await run('assistant', [toolCalls({ id: 'c2', name: 'touch' }), text('fine')]);
      expect(result.events.filter((event) => event.type === EventType.STEP_STARTED || event.type === EventType.STEP_FINISHED)).toEqual([]);
      expect(ofType(result.events, EventType.MESSAGES_SNAPSHOT)).toEqual([]);
    });
  });

  describe('9. messages snapshot', () => {
    it('ends the run with the whole conversation, which the client adopts; its activity and reasoning stay', async () => {
      const system: Message = { id: 'sys-1', role: 'system', content: 'Be brief.' };
      const user: Message = { id: 'user-1', role: 'user', content: 'search lids' };
      const result = await run(
        'snap',
        [{ kind: 'tool-calls', reasoning: ['Let me search.'], calls: [{ id: 'r1', name: 'reportTyped', args: '{}' }] }, text('Found 4.')],
        { messages: [system, user] },
      );
      // The model never saw the client's system message…
      expect(JSON.stringify(t.fake.requests.map((request) => request.body.messages))).not.toContain('Be brief.');

      const snapshots = ofType(result.events, EventType.MESSAGES_SNAPSHOT);
      expect(snapshots).toHaveLength(1);
      expect(result.events.indexOf(snapshots[0]!)).toBe(result.events.length - 2);
      const parent = (result.events as AnyEvent[]).find((event) => event.type === EventType.TOOL_CALL_START)!.parentMessageId;
      const answerId = (result.events as AnyEvent[]).find((event) => event.type === EventType.TEXT_MESSAGE_START)!.messageId;
      // …but it is the client's, so the snapshot keeps it.
      expect(snapshots[0]!.messages).toEqual([
        system,
        user,
        { id: parent, role: 'assistant', toolCalls: [{ id: 'r1', type: 'function', function: { name: 'reportTyped', arguments: '{}' } }] },
        { id: resultOf(result.events, 'r1').messageId, role: 'tool', toolCallId: 'r1', content: 'typed' },
        { id: answerId, role: 'assistant', content: 'Found 4.' },
      ]);

      const uiOnly = (message: Message) => message.role === 'activity' || message.role === 'reasoning';
      expect(result.agent.messages.filter((message) => !uiOnly(message))).toEqual(snapshots[0]!.messages);
      expect(result.agent.messages.find((message) => message.role === 'activity')).toMatchObject({ activityType: 'search', content: { query: 'lids', hits: 4 } });
      expect(result.agent.messages.find((message) => message.role === 'reasoning')).toMatchObject({ content: 'Let me search.' });

      // The next run's snapshot is the whole thread again.
      const next = await run('snap', [text('Anything else?')], { agent: result.agent, messages: [{ id: 'user-2', role: 'user', content: 'thanks' }] });
      const [again] = ofType(next.events, EventType.MESSAGES_SNAPSHOT);
      expect(again!.messages.map((message: Message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
      expect(again!.messages.slice(0, 5)).toEqual(snapshots[0]!.messages);
      expect(next.agent.messages.filter((message) => !uiOnly(message))).toEqual(again!.messages);
      expect(next.agent.messages.filter(uiOnly)).toHaveLength(2);
    });
  });
});

describe.each(PLATFORMS)('events set on the module, overridden by an agent (%s)', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [StateTools],
      options: {
        events: { steps: true, messagesSnapshot: true },
        agents: [
          { id: 'assistant', description: 'Inherits', model: 'test-model' },
          { id: 'quiet', description: 'Opts out', model: 'test-model', events: { steps: false, messagesSnapshot: false } },
        ],
      },
    });
  });
  afterAll(() => t.close());

  it('applies the module’s events to every agent unless the agent says otherwise', async () => {
    const kinds = async (agentId: string) => {
      t.fake.enqueue(toolCalls({ id: 'c1', name: 'touch' }), text('fine'));
      const result = await runWithHttpAgent({ url: `${t.url}/agents/${agentId}`, messages: [userMessage('go')] });
      await expectValidRun(result.events, result.input);
      return new Set(result.events.map((event) => event.type));
    };
    const loud = await kinds('assistant');
    expect([EventType.STEP_STARTED, EventType.STEP_FINISHED, EventType.MESSAGES_SNAPSHOT].every((type) => loud.has(type))).toBe(true);
    const quiet = await kinds('quiet');
    expect([EventType.STEP_STARTED, EventType.STEP_FINISHED, EventType.MESSAGES_SNAPSHOT].some((type) => quiet.has(type))).toBe(false);
  });
});
