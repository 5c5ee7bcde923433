import type { AssistantMessage, ContentPart, Message, ToolMessage } from '@ag-ui/core';
import { toOpenAIMessages } from './openai.messages.js';

const UNANSWERED = 'No result: this tool call was not completed.';

function user(content: string | ContentPart[], id = 'u1'): Message {
  return { id, role: 'user', content } as Message;
}

function assistant(content: string | undefined, callIds: string[] = [], id = 'a1'): AssistantMessage {
  return {
    id,
    role: 'assistant',
    ...(content !== undefined ? { content } : {}),
    ...(callIds.length
      ? { toolCalls: callIds.map((callId) => ({ id: callId, type: 'function' as const, function: { name: `fn_${callId}`, arguments: `{"id":"${callId}"}` } })) }
      : {}),
  };
}

function tool(toolCallId: string, content: ToolMessage['content'], extra: Partial<ToolMessage> = {}): ToolMessage {
  return { id: `t_${toolCallId}_${Math.random()}`, role: 'tool', toolCallId, content, ...extra };
}

describe('toOpenAIMessages', () => {
  it('puts the instructions first as a system message', () => {
    const out = toOpenAIMessages([user('hi')], 'Be brief.');
    expect(out).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('adds no system message for absent or empty instructions', () => {
    expect(toOpenAIMessages([user('hi')])).toEqual([{ role: 'user', content: 'hi' }]);
    expect(toOpenAIMessages([user('hi')], '')).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('maps developer and system messages to system', () => {
    const out = toOpenAIMessages([
      { id: 'd', role: 'developer', content: 'dev rules' },
      { id: 's', role: 'system', content: 'sys rules' },
    ]);
    expect(out).toEqual([
      { role: 'system', content: 'dev rules' },
      { role: 'system', content: 'sys rules' },
    ]);
  });

  it('maps user content parts to Chat Completions parts', () => {
    const parts: ContentPart[] = [
      { type: 'text', text: 'Look:' },
      { type: 'image', source: { type: 'data', value: 'iVBORw0', mimeType: 'image/png' } },
      { type: 'image', source: { type: 'url', value: 'https://example.com/cat.jpg' } },
      { type: 'audio', source: { type: 'data', value: 'UklGRg', mimeType: 'audio/wav' } },
      { type: 'audio', source: { type: 'data', value: 'SUQz', mimeType: 'audio/mpeg' } },
      { type: 'document', source: { type: 'data', value: 'JVBERi0', mimeType: 'application/pdf' } },
      { type: 'document', source: { type: 'file', value: 'file-abc123' } },
      { type: 'video', source: { type: 'url', value: 'https://example.com/v.mp4', mimeType: 'video/mp4' } },
    ];
    const [message] = toOpenAIMessages([user(parts)]);
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        { type: 'input_audio', input_audio: { data: 'UklGRg', format: 'wav' } },
        { type: 'input_audio', input_audio: { data: 'SUQz', format: 'mp3' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0' } },
        { type: 'file', file: { file_id: 'file-abc123' } },
        { type: 'text', text: '[video attachment (url, video/mp4) not supported by this model adapter]' },
      ],
    });
  });

  it('turns parts the adapter cannot carry into a readable note', () => {
    const [message] = toOpenAIMessages([
      user([
        { type: 'audio', source: { type: 'url', value: 'https://example.com/a.wav', mimeType: 'audio/wav' } },
        { type: 'audio', source: { type: 'data', value: 'AAAA', mimeType: 'audio/ogg' } },
        { type: 'image', source: { type: 'file', value: 'file-img' } },
        { type: 'document', source: { type: 'url', value: 'https://example.com/d.pdf' } },
      ]),
    ]);
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '[audio attachment (url, audio/wav) not supported by this model adapter]' },
        { type: 'text', text: '[audio attachment (data, audio/ogg) not supported by this model adapter]' },
        { type: 'text', text: '[image attachment (file) not supported by this model adapter]' },
        { type: 'text', text: '[document attachment (url) not supported by this model adapter]' },
      ],
    });
  });

  it('maps assistant tool calls to tool_calls and follows them with their answers', () => {
    const out = toOpenAIMessages([user('q'), assistant('Checking', ['c1', 'c2']), tool('c1', 'one'), tool('c2', [{ type: 'text', text: 'two' }])]);
    expect(out).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: 'Checking',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'fn_c1', arguments: '{"id":"c1"}' } },
          { id: 'c2', type: 'function', function: { name: 'fn_c2', arguments: '{"id":"c2"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
    ]);
  });

  it('sends content null and no tool_calls key for an assistant message without content or calls', () => {
    expect(toOpenAIMessages([assistant(undefined)])).toEqual([{ role: 'assistant', content: null }]);
    expect(toOpenAIMessages([assistant('plain')])[0]).not.toHaveProperty('tool_calls');
  });

  it('answers an unanswered call with a note placed right after the call, before the next user message', () => {
    const out = toOpenAIMessages([assistant(undefined, ['c1', 'c2']), tool('c2', 'done'), user('next', 'u2')]);
    expect(out.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool', 'user']);
    expect(out[1]).toEqual({ role: 'tool', tool_call_id: 'c2', content: 'done' });
    expect(out[2]).toEqual({ role: 'tool', tool_call_id: 'c1', content: UNANSWERED });
    expect(out[3]).toEqual({ role: 'user', content: 'next' });
  });

  it('answers calls left open at the end of the history', () => {
    const out = toOpenAIMessages([user('q'), assistant(undefined, ['c1'])]);
    expect(out.at(-1)).toEqual({ role: 'tool', tool_call_id: 'c1', content: UNANSWERED });
  });

  it('drops a tool message for an unknown call and a second answer to the same call', () => {
    const out = toOpenAIMessages([
      tool('ghost', 'before any call'),
      assistant(undefined, ['c1']),
      tool('c1', 'first'),
      tool('c1', 'second'),
      tool('nope', 'stray'),
    ]);
    expect(out).toEqual([
      expect.objectContaining({ role: 'assistant' }),
      { role: 'tool', tool_call_id: 'c1', content: 'first' },
    ]);
  });

  it('drops a late answer to a call already closed by a later message', () => {
    const out = toOpenAIMessages([assistant(undefined, ['c1']), user('moving on', 'u2'), tool('c1', 'too late')]);
    expect(out).toEqual([
      expect.objectContaining({ role: 'assistant' }),
      { role: 'tool', tool_call_id: 'c1', content: UNANSWERED },
      { role: 'user', content: 'moving on' },
    ]);
  });

  it('prefixes a failed tool result with its error', () => {
    const out = toOpenAIMessages([
      assistant(undefined, ['c1', 'c2']),
      tool('c1', '', { error: 'timeout' }),
      tool('c2', 'partial output', { error: 'exit 1' }),
    ]);
    expect(out.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'Error: timeout' },
      { role: 'tool', tool_call_id: 'c2', content: 'Error: exit 1\npartial output' },
    ]);
  });

  it('skips reasoning and activity messages', () => {
    const out = toOpenAIMessages([
      user('q'),
      { id: 'r1', role: 'reasoning', content: 'secret thoughts' },
      { id: 'act1', role: 'activity', activityType: 'progress', content: { pct: 50 } },
      assistant('answer'),
    ]);
    expect(out).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'answer' },
    ]);
    expect(JSON.stringify(out)).not.toContain('secret thoughts');
  });

  it('keeps a tool result that follows its call after a reasoning or activity message', () => {
    const messages: Message[] = [
      { id: 'a1', role: 'assistant', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { id: 'r1', role: 'reasoning', content: 'thinking' },
      { id: 'x1', role: 'activity', activityType: 'progress', content: { percent: 50 } },
      { id: 't1', role: 'tool', toolCallId: 'c1', content: 'real result' },
    ];
    expect(toOpenAIMessages(messages)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'real result' },
    ]);
  });
});
