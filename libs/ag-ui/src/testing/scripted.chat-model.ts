import type { Message } from '@ag-ui/core';
import { sleep } from '../agent/model-call.js';
import { ModelError } from '../errors/ag-ui.error.js';
import type { ChatModel, ChatModelChunk, ChatModelRequest, ModelToolDefinition } from '../models/chat-model.interface.js';
import { ScriptedTurn } from './scripted-turn.js';

export interface ScriptedChatModelOptions {
  /** Pause between any two chunks, in ms (default 0). A turn's own `delay()` adds to it. */
  chunkDelayMs?: number;
  /** Shown in logs and the info endpoint (default `scripted`). */
  provider?: string;
}

/** What the agent sent the model, kept as it was at the time of the request. */
export interface RecordedModelRequest {
  model: string;
  instructions?: string;
  messages: Message[];
  tools: ModelToolDefinition[];
  temperature?: number;
  /** The request's own signal: aborted when the run stopped it (a disconnect, a timeout, a retry). */
  signal: AbortSignal;
}

/**
 * A `ChatModel` that answers from a script, one turn per request, for tests of your agent:
 *
 * ```ts
 * const model = new ScriptedChatModel([
 *   reply.toolCall('getWeather', { city: 'Paris' }),
 *   reply.text('It is sunny in ', 'Paris.'),
 * ]);
 * AgUiModule.forRoot({ agents: [{ id: 'assistant' }], chatModel: model });
 * ```
 *
 * Every request is recorded (`requests`, `lastRequest`, `toolsOffered()`), so a test can assert
 * on what the agent sent. A request after the last turn fails the run with a message saying so;
 * each attempt counts, so a turn that fails with a retryable error is followed by the retry's turn.
 */
export class ScriptedChatModel implements ChatModel {
  readonly provider: string;
  readonly requests: RecordedModelRequest[] = [];
  private readonly turns: ScriptedTurn[];
  private readonly chunkDelayMs: number;
  private toolCallCount = 0;
  /** Requests that found no turn left. */
  private unscripted = 0;
  private chunks = 0;

  constructor(turns: ScriptedTurn[] = [], options: ScriptedChatModelOptions = {}) {
    this.turns = [...turns];
    this.chunkDelayMs = Math.max(0, options.chunkDelayMs ?? 0);
    this.provider = options.provider ?? 'scripted';
  }

  /** Adds turns after those already scripted, e.g. between two runs of one test. */
  push(...turns: ScriptedTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  /** Turns not played yet. */
  get remaining(): number {
    return this.turns.length;
  }

  /** Chunks streamed so far, over all requests: shows how far a consumer has pulled. */
  get chunksSent(): number {
    return this.chunks;
  }

  /** The latest request; throws when the model was never asked. */
  get lastRequest(): RecordedModelRequest {
    return this.request(this.requests.length - 1);
  }

  /** The request number `index` (0-based; negative counts from the end). */
  request(index: number): RecordedModelRequest {
    const found = this.requests.at(index);
    if (!found) throw new Error(`ScriptedChatModel: there is no request ${index}; the model was asked ${this.requests.length} time(s)`);
    return found;
  }

  /** Names of the tools offered in a request (default: the latest). */
  toolsOffered(index = -1): string[] {
    return this.request(index).tools.map((tool) => tool.name);
  }

  /** The text of the last user message of a request (default: the latest). */
  lastUserText(index = -1): string | undefined {
    const message = this.request(index).messages.findLast((m) => m.role === 'user');
    if (!message) return undefined;
    const { content } = message;
    if (typeof content === 'string') return content;
    return content
      .filter((part): part is { type: 'text'; text: string } => part.type === 'text')
      .map((part) => part.text)
      .join('');
  }

  /** Throws unless every turn was played and no request came after the last one. */
  expectDone(): void {
    if (this.unscripted) throw new Error(`ScriptedChatModel: the agent asked the model ${this.requests.length} time(s), ${this.unscripted} more than there were scripted turns`);
    if (this.turns.length) throw new Error(`ScriptedChatModel: ${this.turns.length} scripted turn(s) were never played; the model was asked ${this.requests.length} time(s)`);
  }

  async *stream(request: ChatModelRequest): AsyncGenerator<ChatModelChunk> {
    const { signal } = request;
    this.requests.push({
      model: request.model,
      ...(request.instructions !== undefined ? { instructions: request.instructions } : {}),
      // Copied: the agent's history grows after the request, and the test wants it as it was sent.
      messages: structuredClone([...request.messages]),
      tools: structuredClone([...request.tools]),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      signal,
    });
    const turn = this.turns.shift();
    if (!turn) {
      this.unscripted++;
      throw new ModelError(
        'MODEL_BAD_RESPONSE',
        `ScriptedChatModel ran out of turns: request ${this.requests.length} came after the last scripted turn. Script another reply, or check why the agent asked again.`,
        false,
      );
    }
    signal.throwIfAborted();
    let first = true;
    for (const step of turn.steps) {
      if (step.kind === 'delay') {
        await sleep(step.ms, signal);
        continue;
      }
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'hang') {
        await sleep(2 ** 31 - 1, signal);
        continue;
      }
      if (!first && this.chunkDelayMs) await sleep(this.chunkDelayMs, signal);
      first = false;
      signal.throwIfAborted();
      this.chunks++;
      yield this.played(step.chunk);
    }
    signal.throwIfAborted();
    yield { type: 'finish', reason: turn.reason };
  }

  /** A tool call without an id of its own gets the next `call_<n>`. */
  private played(chunk: ChatModelChunk): ChatModelChunk {
    if (chunk.type !== 'tool-call-start' || chunk.id) return chunk;
    return { ...chunk, id: `call_${++this.toolCallCount}` };
  }
}
