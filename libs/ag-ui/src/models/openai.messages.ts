import { contentToText, type ContentPart, type Message } from '@ag-ui/core';
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources/chat/completions';

function dataUrl(mimeType: string, base64: string): string {
  return `data:${mimeType};base64,${base64}`;
}

const AUDIO_FORMATS: Record<string, 'wav' | 'mp3'> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3' };

/** One AG-UI content part as Chat Completions understands it; what it cannot carry becomes a note the model can read. */
function toOpenAIPart(part: ContentPart): ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const source = part.source;
  switch (part.type) {
    case 'image':
      if (source.type === 'data') return { type: 'image_url', image_url: { url: dataUrl(source.mimeType, source.value) } };
      if (source.type === 'url') return { type: 'image_url', image_url: { url: source.value } };
      break;
    case 'audio': {
      const format = source.mimeType ? AUDIO_FORMATS[source.mimeType] : undefined;
      if (source.type === 'data' && format) return { type: 'input_audio', input_audio: { data: source.value, format } };
      break;
    }
    case 'document':
      if (source.type === 'data') return { type: 'file', file: { file_data: dataUrl(source.mimeType, source.value) } };
      if (source.type === 'file') return { type: 'file', file: { file_id: source.value } };
      break;
  }
  return { type: 'text', text: `[${part.type} attachment (${source.type}${source.mimeType ? `, ${source.mimeType}` : ''}) not supported by this model adapter]` };
}

function toOpenAIToolCall(call: { id: string; function: { name: string; arguments: string } }): ChatCompletionMessageToolCall {
  return { id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } };
}

/**
 * AG-UI history → Chat Completions messages. The provider rejects a history in which an
 * assistant tool call is not followed by its answer, or an answer follows no call, so both
 * are repaired here: an unanswered call (a frontend tool the client never ran, say) gets a
 * note, and a stray or repeated answer is dropped.
 */
export function toOpenAIMessages(messages: readonly Message[], instructions?: string): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (instructions) out.push({ role: 'system', content: instructions });

  // Calls of the latest assistant message still waiting for their tool message.
  const awaiting = new Set<string>();
  const closeAwaiting = () => {
    for (const id of awaiting) out.push({ role: 'tool', tool_call_id: id, content: 'No result: this tool call was not completed.' });
    awaiting.clear();
  };

  for (const message of messages) {
    if (message.role === 'tool') {
      if (!awaiting.delete(message.toolCallId)) continue;
      const text = contentToText(message.content);
      out.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.error ? `Error: ${message.error}${text ? `\n${text}` : ''}` : text });
      continue;
    }
    // Reasoning and activity messages are UI artefacts, not conversation: they neither
    // reach the model nor separate a call from its answer.
    if (message.role === 'reasoning' || message.role === 'activity') continue;
    closeAwaiting();
    switch (message.role) {
      case 'system':
      case 'developer':
        // Many OpenAI-compatible servers do not know `developer`; `system` means the same to them.
        out.push({ role: 'system', content: message.content });
        break;
      case 'user':
        out.push({
          role: 'user',
          content: typeof message.content === 'string' ? message.content : message.content.map(toOpenAIPart),
        });
        break;
      case 'assistant': {
        const toolCalls = message.toolCalls?.map(toOpenAIToolCall) ?? [];
        out.push({ role: 'assistant', content: message.content ?? null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) });
        for (const call of toolCalls) awaiting.add(call.id);
        break;
      }
    }
  }
  closeAwaiting();
  return out;
}
