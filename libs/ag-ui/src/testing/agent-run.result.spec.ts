import { EventType, type BaseEvent, type RunAgentInput } from '@ag-ui/core';
import { AgentRunResult } from './agent-run.result.js';
import { parseSse } from './sse.parser.js';

const input = { threadId: 't', runId: 'r', messages: [], tools: [], context: [], state: { count: 1, items: ['a'] }, forwardedProps: {} } as RunAgentInput;
const events = [
  { type: EventType.RUN_STARTED, threadId: 't', runId: 'r' },
  { type: EventType.REASONING_MESSAGE_CONTENT, messageId: 'x', delta: 'Think' },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Let me ' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'check' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'c1', toolCallName: 'getWeather', parentMessageId: 'm1' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta: '{"city":' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta: '"Paris"}' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'c2', toolCallName: 'pickColor', parentMessageId: 'm1' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c2', delta: 'not json' },
  { type: EventType.TOOL_CALL_RESULT, toolCallId: 'c1', messageId: 'r1', content: '{"temp":21}' },
  { type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/count', value: 2 }, { op: 'add', path: '/items/-', value: 'b' }] },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm2', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm2', delta: '. Sunny.' },
  { type: EventType.RUN_FINISHED, threadId: 't', runId: 'r', outcome: { type: 'success', pendingToolCallIds: ['c2'] } },
] as BaseEvent[];

describe('AgentRunResult', () => {
  const result = new AgentRunResult(input, events);

  it('joins text, per message and overall, and reasoning', () => {
    expect(result.text).toBe('Let me check. Sunny.');
    expect(result.textMessages).toEqual([
      { id: 'm1', text: 'Let me check' },
      { id: 'm2', text: '. Sunny.' },
    ]);
    expect(result.reasoning).toBe('Think');
  });

  it('gathers tool calls with parsed arguments and results', () => {
    expect(result.toolCalls).toEqual([
      { id: 'c1', name: 'getWeather', argsText: '{"city":"Paris"}', args: { city: 'Paris' }, result: '{"temp":21}', resultValue: { temp: 21 }, parentMessageId: 'm1' },
      { id: 'c2', name: 'pickColor', argsText: 'not json', args: undefined, parentMessageId: 'm1' },
    ]);
    expect(result.toolCall('getWeather').resultValue).toEqual({ temp: 21 });
    expect(result.toolResults).toEqual([{ toolCallId: 'c1', content: '{"temp":21}', value: { temp: 21 } }]);
    expect(() => result.toolCall('nope')).toThrow('The run made no call to "nope"; it called: getWeather, pickColor');
  });

  it('replays the state on what the client sent, without changing the input', () => {
    expect(result.state).toEqual({ count: 2, items: ['a', 'b'] });
    expect(input.state).toEqual({ count: 1, items: ['a'] });
    const snapshot = new AgentRunResult(input, [events[0]!, { type: EventType.STATE_SNAPSHOT, snapshot: { fresh: true } } as BaseEvent, events.at(-1)!]);
    expect(snapshot.state).toEqual({ fresh: true });
    const broken = new AgentRunResult(input, [{ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/missing/x', value: 1 }] } as BaseEvent]);
    expect(() => broken.state).toThrow('does not exist');
  });

  it('tells how the run ended', () => {
    expect(result.finished?.type).toBe(EventType.RUN_FINISHED);
    expect(result.error).toBeUndefined();
    expect(result.pendingToolCallIds).toEqual(['c2']);
    expect(result.interrupts).toEqual([]);
    const interrupted = new AgentRunResult(input, [
      { type: EventType.RUN_FINISHED, threadId: 't', runId: 'r', outcome: { type: 'interrupt', interrupts: [{ id: 'i1', reason: 'tool_approval' }] } } as BaseEvent,
    ]);
    expect(interrupted.interrupts).toEqual([{ id: 'i1', reason: 'tool_approval' }]);
    const failed = new AgentRunResult(input, [{ type: EventType.RUN_ERROR, code: 'MODEL_TIMEOUT', message: 'slow' } as BaseEvent]);
    expect(failed.error).toMatchObject({ code: 'MODEL_TIMEOUT' });
    expect(failed.outcome).toBeUndefined();
    expect(result.types[0]).toBe(EventType.RUN_STARTED);
  });
});

describe('parseSse', () => {
  it('reads data lines of each frame, skipping comments, with or without a space or CRLF', () => {
    const body = ': ping\n\ndata: {"type":"RUN_STARTED"}\n\ndata:{"type":"RUN_FINISHED"}\r\n\r\n';
    expect(parseSse(body)).toEqual([{ type: 'RUN_STARTED' }, { type: 'RUN_FINISHED' }]);
  });
});
