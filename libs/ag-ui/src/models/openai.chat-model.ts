import { OpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest, ModelToolDefinition } from './chat-model.interface.js';
import { toOpenAIMessages } from './openai.messages.js';

export interface OpenAIChatModelOptions {
  /**
   * Ask for token usage in the stream (`stream_options.include_usage`). Some OpenAI-compatible
   * servers reject the option: turn it off for them.
   */
  streamUsage?: boolean;
  /**
   * The parameter that carries the request's `maxOutputTokens`: `max_completion_tokens`
   * (default: OpenAI's current name, the only one its reasoning models accept) or `max_tokens`
   * (older OpenAI-compatible servers that know only that one).
   */
  outputTokensParam?: 'max_completion_tokens' | 'max_tokens';
}

/** Backend tools' definitions live as long as the app: each is converted once, not once per request. */
const OPENAI_TOOLS = new WeakMap<ModelToolDefinition, ChatCompletionFunctionTool>();

function toOpenAITool(tool: ModelToolDefinition): ChatCompletionFunctionTool {
  let converted = OPENAI_TOOLS.get(tool);
  if (!converted) {
    const fn: ChatCompletionFunctionTool['function'] = { name: tool.name, description: tool.description, parameters: tool.parameters };
    if (tool.strict) fn.strict = true;
    converted = { type: 'function', function: fn };
    OPENAI_TOOLS.set(tool, converted);
  }
  return converted;
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
  private readonly legacyMaxTokens: boolean;

  constructor(
    private readonly client: OpenAI,
    options: OpenAIChatModelOptions = {},
  ) {
    this.streamUsage = options.streamUsage ?? true;
    this.legacyMaxTokens = options.outputTokensParam === 'max_tokens';
  }

  stream(request: ChatModelRequest): AsyncIterable<ChatModelChunk> {
    // Assigned field by field: conditional spreads clone objects on every request.
    const params: ChatCompletionCreateParamsStreaming = { model: request.model, messages: toOpenAIMessages(request.messages, request.instructions), stream: true };
    if (this.streamUsage) params.stream_options = { include_usage: true };
    if (request.tools.length) params.tools = request.tools.map(toOpenAITool);
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) {
      if (this.legacyMaxTokens) params.max_tokens = request.maxOutputTokens;
      else params.max_completion_tokens = request.maxOutputTokens;
    }
    return { [Symbol.asyncIterator]: () => new OpenAIChunkReader(this.client, params, request, this.provider) };
  }
}

/**
 * The SDK's chunks as ChatModelChunks. A hand-written iterator rather than an async generator:
 * every token passes through here, and a generator adds a suspension and a promise per token.
 */
class OpenAIChunkReader implements AsyncIterator<ChatModelChunk> {
  private source?: AsyncIterator<ChatCompletionChunk>;
  /** Chunks mapped from one SDK chunk and not read yet (usually none: most SDK chunks carry one token). */
  private readonly queued: ChatModelChunk[] = [];
  private finished = false;
  private ended = false;

  constructor(
    private readonly client: OpenAI,
    private readonly params: ChatCompletionCreateParamsStreaming,
    private readonly request: ChatModelRequest,
    private readonly provider: string,
  ) {}

  async next(): Promise<IteratorResult<ChatModelChunk>> {
    try {
      for (;;) {
        if (this.queued.length) return { done: false, value: this.queued.shift()! };
        if (this.ended) return { done: true, value: undefined };
        this.source ??= (await this.client.chat.completions.create(this.params, { signal: this.request.signal }))[Symbol.asyncIterator]();
        const result = await this.source.next();
        if (result.done) {
          this.ended = true;
          if (!this.finished) throw new ModelError('MODEL_STREAM_INTERRUPTED', 'The model stream ended before the model finished', true);
          continue;
        }
        const first = this.map(result.value);
        if (first) return { done: false, value: first };
      }
    } catch (error) {
      this.ended = true;
      throw classifyOpenAIError(error);
    }
  }

  async return(): Promise<IteratorResult<ChatModelChunk>> {
    this.ended = true;
    this.queued.length = 0;
    await this.source?.return?.();
    return { done: true, value: undefined };
  }

  /** Maps one SDK chunk: returns its first ChatModelChunk and queues the rest (the queue is empty when it is called). */
  private map(chunk: ChatCompletionChunk): ChatModelChunk | undefined {
    const out = this.queued;
    if (chunk.usage) {
      out.push({
        type: 'usage',
        usage: {
          provider: this.provider,
          model: chunk.model || this.request.model,
          inputTokens: chunk.usage.prompt_tokens,
          outputTokens: chunk.usage.completion_tokens,
          totalTokens: chunk.usage.total_tokens,
          ...(chunk.usage.completion_tokens_details?.reasoning_tokens ? { reasoningTokens: chunk.usage.completion_tokens_details.reasoning_tokens } : {}),
          ...(chunk.usage.prompt_tokens_details?.cached_tokens ? { cachedInputTokens: chunk.usage.prompt_tokens_details.cached_tokens } : {}),
        },
      });
    }
    const choice = chunk.choices[0];
    if (choice) {
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string | null; reasoning?: string | null };
      // Reasoning models on OpenAI-compatible servers stream thoughts under either name.
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) out.push({ type: 'reasoning', delta: reasoning });
      if (delta.content) out.push({ type: 'text', delta: delta.content });
      for (const call of delta.tool_calls ?? []) {
        if (call.id || call.function?.name) out.push({ type: 'tool-call-start', index: call.index, id: call.id ?? '', name: call.function?.name ?? '' });
        if (call.function?.arguments) out.push({ type: 'tool-call-args', index: call.index, delta: call.function.arguments });
      }
      if (choice.finish_reason) {
        this.finished = true;
        out.push({ type: 'finish', reason: choice.finish_reason });
      }
    }
    // Usually exactly one: pop() is much cheaper than shift().
    return out.length === 1 ? out.pop() : out.shift();
  }
}
