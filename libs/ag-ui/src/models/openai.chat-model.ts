import { OpenAI } from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest, ModelToolDefinition } from './chat-model.interface.js';
import { toOpenAIMessages } from './openai.messages.js';

export interface OpenAIChatModelOptions {
  /**
   * Ask for token usage in the stream (`stream_options.include_usage`). Some OpenAI-compatible
   * servers reject the option: turn it off for them.
   */
  streamUsage?: boolean;
}

function toOpenAITool(tool: ModelToolDefinition): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters, ...(tool.strict ? { strict: true } : {}) },
  };
}

function retryAfterSeconds(error: InstanceType<typeof OpenAI.APIError>): number | undefined {
  const value = error.headers?.get('retry-after');
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Provider failures → `ModelError` with our own messages. Provider messages are never passed
 * on: OpenAI's 401 text, for one, quotes part of the key.
 */
export function classifyOpenAIError(error: unknown): unknown {
  if (error instanceof OpenAI.APIUserAbortError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError('MODEL_TIMEOUT', 'The model provider did not answer in time', true);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ModelError('MODEL_UNAVAILABLE', 'The model provider could not be reached', true);
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    if (status === 401 || status === 403) return new ModelError('MODEL_AUTH_FAILED', 'The model provider refused the credentials', false);
    if (status === 429) {
      const quota = error.code === 'insufficient_quota';
      return new ModelError('MODEL_RATE_LIMITED', quota ? 'The model provider quota is exhausted' : 'The model provider is rate limiting requests', !quota, retryAfterSeconds(error));
    }
    if (status === 408 || status === 409 || status >= 500) {
      return new ModelError('MODEL_UNAVAILABLE', 'The model provider failed to answer', true, retryAfterSeconds(error));
    }
    if (status >= 400) return new ModelError('MODEL_REQUEST_REJECTED', 'The model provider rejected the request', false);
    // A status-less APIError is what the SDK throws for an error event inside the stream.
    return new ModelError('MODEL_BAD_RESPONSE', 'The model provider sent an error in the stream', false);
  }
  if (error instanceof SyntaxError) return new ModelError('MODEL_BAD_RESPONSE', 'The model provider sent a malformed chunk', false);
  if (error instanceof ModelError) return error;
  // Sockets cut mid-body surface as TypeError('terminated') or similar from fetch.
  return new ModelError('MODEL_STREAM_INTERRUPTED', 'The model stream ended unexpectedly', true);
}

/** Chat Completions with streaming through the official SDK: any OpenAI-compatible endpoint works. */
export class OpenAIChatModel implements ChatModel {
  readonly provider = 'openai';
  private readonly streamUsage: boolean;

  constructor(
    private readonly client: OpenAI,
    options: OpenAIChatModelOptions = {},
  ) {
    this.streamUsage = options.streamUsage ?? true;
  }

  async *stream(request: ChatModelRequest): AsyncGenerator<ChatModelChunk> {
    const params: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: toOpenAIMessages(request.messages, request.instructions),
      stream: true,
      ...(this.streamUsage ? { stream_options: { include_usage: true } } : {}),
      ...(request.tools.length ? { tools: request.tools.map(toOpenAITool) } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };

    let finished = false;
    try {
      const stream = await this.client.chat.completions.create(params, { signal: request.signal });
      for await (const chunk of stream) {
        if (chunk.usage) {
          yield {
            type: 'usage',
            usage: {
              provider: this.provider,
              model: chunk.model || request.model,
              inputTokens: chunk.usage.prompt_tokens,
              outputTokens: chunk.usage.completion_tokens,
              totalTokens: chunk.usage.total_tokens,
              ...(chunk.usage.completion_tokens_details?.reasoning_tokens ? { reasoningTokens: chunk.usage.completion_tokens_details.reasoning_tokens } : {}),
              ...(chunk.usage.prompt_tokens_details?.cached_tokens ? { cachedInputTokens: chunk.usage.prompt_tokens_details.cached_tokens } : {}),
            },
          };
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta as typeof choice.delta & { reasoning_content?: string | null; reasoning?: string | null };
        // Reasoning models on OpenAI-compatible servers stream thoughts under either name.
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning) yield { type: 'reasoning', delta: reasoning };
        if (delta.content) yield { type: 'text', delta: delta.content };
        for (const call of delta.tool_calls ?? []) {
          if (call.id || call.function?.name) {
            yield { type: 'tool-call-start', index: call.index, id: call.id ?? '', name: call.function?.name ?? '' };
          }
          if (call.function?.arguments) yield { type: 'tool-call-args', index: call.index, delta: call.function.arguments };
        }
        if (choice.finish_reason) {
          finished = true;
          yield { type: 'finish', reason: choice.finish_reason };
        }
      }
    } catch (error) {
      throw classifyOpenAIError(error);
    }
    if (!finished) throw new ModelError('MODEL_STREAM_INTERRUPTED', 'The model stream ended before the model finished', true);
  }
}
