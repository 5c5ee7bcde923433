import { EventType, type BaseEvent } from '@ag-ui/core';
import { verifyEvents } from '@ag-ui/client';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { ChatModelChunk } from '../models/chat-model.interface.js';
import { TurnAssembler } from './turn-assembler.js';

type AnyEvent = BaseEvent & Record<string, unknown>;

/** Feeds chunks in order and returns every event, copying the assembler's reused array each time. */
function feed(turn: TurnAssembler, chunks: ChatModelChunk[], close = false): AnyEvent[] {
  const events: AnyEvent[] = [];
  for (const chunk of chunks) events.push(...([...turn.accept(chunk)] as AnyEvent[]));
  if (close) events.push(...([...turn.close()] as AnyEvent[]));
  return events;
}

const types = (events: readonly BaseEvent[]) => events.map((e) => e.type);
const text = (delta: string): ChatModelChunk => ({ type: 'text', delta });
const reasoning = (delta: string): ChatModelChunk => ({ type: 'reasoning', delta });
const start = (index: number, id: string, name: string): ChatModelChunk => ({ type: 'tool-call-start', index, id, name });
const args = (index: number, delta: string): ChatModelChunk => ({ type: 'tool-call-args', index, delta });

describe('TurnAssembler', () => {
  it('opens the text message once and sends one CONTENT per non-empty delta', () => {
    const turn = new TurnAssembler();
    const events = feed(turn, [text('Hel'), text(''), text('lo')]);
    expect(events).toEqual([
      { type: EventType.TEXT_MESSAGE_START, messageId: turn.messageId, role: 'assistant' },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: turn.messageId, delta: 'Hel' },
      { type: EventType.TEXT_MESSAGE_CONTENT, messageId: turn.messageId, delta: 'lo' },
    ]);
    expect(types(turn.close())).toEqual([EventType.TEXT_MESSAGE_END]);
    expect(turn.message).toEqual({ id: turn.messageId, role: 'assistant', content: 'Hello' });
  });

  it('emits nothing for an empty first text delta', () => {
    const turn = new TurnAssembler();
    expect(turn.accept(text(''))).toHaveLength(0);
    expect(turn.close()).toHaveLength(0);
    expect(turn.message).toBeUndefined();
  });

  it('closes open text before a tool call starts and parents the call to the turn message', () => {
    const turn = new TurnAssembler();
    feed(turn, [text('Let me look.')]);
    const events = [...turn.accept(start(0, 'call_1', 'lookup'))] as AnyEvent[];
    expect(events).toEqual([
      { type: EventType.TEXT_MESSAGE_END, messageId: turn.messageId },
      { type: EventType.TOOL_CALL_START, toolCallId: 'call_1', toolCallName: 'lookup', parentMessageId: turn.messageId },
    ]);
    expect([...turn.accept(args(0, '{"q":'))]).toEqual([{ type: EventType.TOOL_CALL_ARGS, toolCallId: 'call_1', delta: '{"q":' }]);
  });

  it('buffers arguments that arrive before the start and flushes them right after it', () => {
    const turn = new TurnAssembler();
    expect(turn.accept(args(0, '{"a"'))).toHaveLength(0);
    expect(turn.accept(args(0, ':1}'))).toHaveLength(0);
    expect([...turn.accept(start(0, 'call_1', 'lookup'))]).toEqual([
      { type: EventType.TOOL_CALL_START, toolCallId: 'call_1', toolCallName: 'lookup', parentMessageId: turn.messageId },
      { type: EventType.TOOL_CALL_ARGS, toolCallId: 'call_1', delta: '{"a":1}' },
    ]);
    expect(turn.toolCalls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"a":1}' } }]);
  });

  it('ignores a repeated start for the same index, keeping the first id and name', () => {
    const turn = new TurnAssembler();
    feed(turn, [start(0, 'call_1', 'lookup'), args(0, '{}')]);
    expect(turn.accept(start(0, 'call_other', 'other'))).toHaveLength(0);
    expect(types(turn.close())).toEqual([EventType.TOOL_CALL_END]);
    expect(turn.toolCalls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }]);
  });

  it('makes up an id when the provider sends none', () => {
    const turn = new TurnAssembler();
    const [event] = [...turn.accept(start(0, '', 'lookup'))] as AnyEvent[];
    expect(event!.toolCallId).toMatch(/^call_[0-9a-f-]{36}$/);
    expect(turn.toolCalls[0]!.id).toBe(event!.toolCallId);
  });

  it('opens reasoning with START + MESSAGE_START and closes both when text begins', () => {
    const turn = new TurnAssembler();
    const events = feed(turn, [reasoning('Think'), reasoning(''), reasoning('ing'), text('Answer')]);
    expect(types(events)).toEqual([
      EventType.REASONING_START,
      EventType.REASONING_MESSAGE_START,
      EventType.REASONING_MESSAGE_CONTENT,
      EventType.REASONING_MESSAGE_CONTENT,
      EventType.REASONING_MESSAGE_END,
      EventType.REASONING_END,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
    ]);
    const reasoningId = events[0]!.messageId;
    expect(reasoningId).toEqual(expect.any(String));
    expect(reasoningId).not.toBe(turn.messageId);
    expect(events[1]).toEqual({ type: EventType.REASONING_MESSAGE_START, messageId: reasoningId, role: 'reasoning' });
    expect(events.slice(2, 6).every((e) => e.messageId === reasoningId)).toBe(true);
    expect(events.slice(2, 4).map((e) => e.delta)).toEqual(['Think', 'ing']);
    // Reasoning is not part of the history message.
    expect(turn.message).toEqual({ id: turn.messageId, role: 'assistant', content: 'Answer' });
  });

  it('uses a fresh reasoning id when reasoning resumes after being closed', () => {
    const turn = new TurnAssembler();
    const events = feed(turn, [reasoning('a'), text('b'), reasoning('c')], true);
    const starts = events.filter((e) => e.type === EventType.REASONING_START);
    expect(starts).toHaveLength(2);
    expect(starts[0]!.messageId).not.toBe(starts[1]!.messageId);
    expect(types(events).slice(-3)).toEqual([EventType.REASONING_MESSAGE_END, EventType.REASONING_END, EventType.TEXT_MESSAGE_END]);
  });

  it('close() ends reasoning, text and one TOOL_CALL_END per started call', () => {
    const turn = new TurnAssembler();
    feed(turn, [start(0, 'a', 'one'), start(1, 'b', 'two'), args(2, '{"orphan":true}'), reasoning('hmm')]);
    const closing = [...turn.close()] as AnyEvent[];
    expect(closing).toEqual([
      { type: EventType.REASONING_MESSAGE_END, messageId: expect.any(String) },
      { type: EventType.REASONING_END, messageId: expect.any(String) },
      { type: EventType.TOOL_CALL_END, toolCallId: 'a' },
      { type: EventType.TOOL_CALL_END, toolCallId: 'b' },
    ]);
    // Arguments for a call that never started are not a call.
    expect(turn.toolCalls.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('close() also ends open text', () => {
    const turn = new TurnAssembler();
    feed(turn, [text('hi')]);
    expect([...turn.close()]).toEqual([{ type: EventType.TEXT_MESSAGE_END, messageId: turn.messageId }]);
  });

  it('orders toolCalls by index, whatever order they started in', () => {
    const turn = new TurnAssembler();
    feed(turn, [start(2, 'c', 'third'), start(0, 'a', 'first'), args(2, '{"z":1}'), start(1, 'b', 'second'), args(0, '{}')], true);
    expect(turn.toolCalls).toEqual([
      { id: 'a', type: 'function', function: { name: 'first', arguments: '{}' } },
      { id: 'b', type: 'function', function: { name: 'second', arguments: '' } },
      { id: 'c', type: 'function', function: { name: 'third', arguments: '{"z":1}' } },
    ]);
  });

  it('message combines text and tool calls', () => {
    const turn = new TurnAssembler();
    feed(turn, [text('Checking '), text('now'), start(0, 'call_1', 'lookup'), args(0, '{"id":"7"}')], true);
    expect(turn.message).toEqual({
      id: turn.messageId,
      role: 'assistant',
      content: 'Checking now',
      toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":"7"}' } }],
    });
  });

  it('message has only toolCalls when the model said no text', () => {
    const turn = new TurnAssembler();
    feed(turn, [start(0, 'call_1', 'lookup')], true);
    expect(turn.message).toEqual({
      id: turn.messageId,
      role: 'assistant',
      toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }],
    });
    expect(turn.message).not.toHaveProperty('content');
  });

  it('message is undefined when the model said nothing (reasoning, usage and finish only)', () => {
    const turn = new TurnAssembler();
    const usage = { provider: 'test', model: 'm', inputTokens: 3, outputTokens: 0, totalTokens: 3 };
    const events = feed(turn, [reasoning('hmm'), { type: 'usage', usage }, { type: 'finish', reason: 'stop' }], true);
    expect(events.every((e) => String(e.type).startsWith('REASONING'))).toBe(true);
    expect(turn.message).toBeUndefined();
    expect(turn.toolCalls).toEqual([]);
    expect(turn.usage).toEqual([usage]);
    expect(turn.finishReason).toBe('stop');
  });

  it('emits a sequence that @ag-ui/client verifyEvents accepts for a mixed turn', async () => {
    const turn = new TurnAssembler();
    const events: BaseEvent[] = [
      { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r1' } as BaseEvent,
      ...feed(
        turn,
        [
          reasoning('Let me think'),
          reasoning(' about it'),
          text('I will check '),
          text('two things.'),
          args(1, '{"b":'),
          start(0, 'call_a', 'lookup'),
          args(0, '{"a":1}'),
          start(1, 'call_b', 'lookup'),
          args(1, '2}'),
          { type: 'finish', reason: 'tool_calls' },
        ],
        true,
      ),
      { type: EventType.RUN_FINISHED, threadId: 't1', runId: 'r1' } as BaseEvent,
    ];
    const verified = await lastValueFrom(from(events).pipe(verifyEvents(false), toArray()));
    expect(verified).toEqual(events);
    expect(types(events)).toContain(EventType.TOOL_CALL_END);
    expect(turn.toolCalls.map((c) => c.function.arguments)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('needs close(): without it the same turn fails verifyEvents (the verifier is strict)', async () => {
    const turn = new TurnAssembler();
    const events: BaseEvent[] = [
      { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r1' } as BaseEvent,
      ...feed(turn, [text('hi'), start(0, 'call_a', 'lookup')]),
      { type: EventType.RUN_FINISHED, threadId: 't1', runId: 'r1' } as BaseEvent,
    ];
    await expect(lastValueFrom(from(events).pipe(verifyEvents(false), toArray()))).rejects.toThrow(/RUN_FINISHED/);
  });
});
