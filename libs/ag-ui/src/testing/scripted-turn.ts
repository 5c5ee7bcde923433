import type { TokenUsage } from '@ag-ui/core';
import { ModelError, type ModelErrorCode } from '../errors/ag-ui.error.js';
import type { ChatModelChunk } from '../models/chat-model.interface.js';

/** One thing a scripted turn does, in order. */
export type ScriptedStep =
  | { kind: 'chunk'; chunk: ChatModelChunk }
  | { kind: 'delay'; ms: number }
  | { kind: 'fail'; error: unknown }
  | { kind: 'hang' };

export interface ScriptedToolCallOptions {
  /** The call's id; by default `call_1`, `call_2`, … in the order the model streams them. */
  id?: string;
  /** How many pieces the arguments are streamed in (default 3), as providers stream them. */
  chunks?: number;
}

export interface ScriptedErrorOptions {
  /** Default: the code's own kind (rate limits, unavailability and timeouts are retryable). */
  retryable?: boolean;
  message?: string;
  /** A provider's Retry-After, in seconds. */
  retryAfterSeconds?: number;
}

const RETRYABLE_CODES = new Set<ModelErrorCode>(['MODEL_RATE_LIMITED', 'MODEL_UNAVAILABLE', 'MODEL_TIMEOUT', 'MODEL_STREAM_INTERRUPTED']);

/**
 * What the model answers to one request: text, reasoning, tool calls, usage, pauses and failures,
 * streamed in the order they were added. Made by `reply.*()` and chained:
 * `reply.reasoning('Checking').text('Let me look').toolCall('getWeather', { city: 'Paris' })`.
 */
export class ScriptedTurn {
  /** Tool-call ids are given by the model when it plays the turn (see ScriptedChatModel). */
  readonly steps: ScriptedStep[] = [];
  private toolCalls = 0;
  private finishReason: string | undefined;

  /** Text, streamed one piece per chunk: `text('Hello', ' world')`. */
  text(...pieces: string[]): this {
    for (const delta of pieces) this.steps.push({ kind: 'chunk', chunk: { type: 'text', delta } });
    return this;
  }

  /** Reasoning (thinking) text, one piece per chunk. */
  reasoning(...pieces: string[]): this {
    for (const delta of pieces) this.steps.push({ kind: 'chunk', chunk: { type: 'reasoning', delta } });
    return this;
  }

  /**
   * A tool call whose arguments are streamed in several chunks. `args` is serialised as JSON;
   * a string is sent as it is, e.g. to see how the agent handles arguments that are not JSON.
   */
  toolCall(name: string, args: Record<string, unknown> | string = {}, options: ScriptedToolCallOptions = {}): this {
    const index = this.toolCalls++;
    const text = typeof args === 'string' ? args : JSON.stringify(args);
    // The id is filled in when the turn is played, so that default ids count across turns.
    this.steps.push({ kind: 'chunk', chunk: { type: 'tool-call-start', index, id: options.id ?? '', name } });
    for (const delta of split(text, options.chunks ?? 3)) this.steps.push({ kind: 'chunk', chunk: { type: 'tool-call-args', index, delta } });
    return this;
  }

  /** Token usage, as providers report it at the end of a turn. */
  usage(usage: TokenUsage): this {
    this.steps.push({ kind: 'chunk', chunk: { type: 'usage', usage } });
    return this;
  }

  /** A pause before the next chunk, e.g. to test timeouts or what a client sees while it waits. */
  delay(ms: number): this {
    this.steps.push({ kind: 'delay', ms });
    return this;
  }

  /**
   * The provider fails here, after whatever came before: a `ModelError` with this code (retryable
   * or not), or any error you pass, which the runner reports as INTERNAL_ERROR.
   */
  error(error: ModelErrorCode | Error, options: ScriptedErrorOptions = {}): this {
    const failure =
      typeof error === 'string'
        ? new ModelError(error, options.message ?? `Scripted ${error}`, options.retryable ?? RETRYABLE_CODES.has(error), options.retryAfterSeconds)
        : error;
    this.steps.push({ kind: 'fail', error: failure });
    return this;
  }

  /** The stream goes silent until the request is aborted (a disconnect, the idle timeout), then fails with the abort's reason. */
  hang(): this {
    this.steps.push({ kind: 'hang' });
    return this;
  }

  /** The finish reason sent last (default `tool_calls` when the turn calls a tool, else `stop`). */
  finish(reason: string): this {
    this.finishReason = reason;
    return this;
  }

  /** The reason the turn ends with, once its steps have run. */
  get reason(): string {
    return this.finishReason ?? (this.toolCalls > 0 ? 'tool_calls' : 'stop');
  }
}

/** Starts a scripted turn: `reply.text('Hello')`, `reply.toolCall('search', { q: 'x' })`, `reply.error('MODEL_RATE_LIMITED')`. */
export const reply = {
  text: (...pieces: string[]) => new ScriptedTurn().text(...pieces),
  reasoning: (...pieces: string[]) => new ScriptedTurn().reasoning(...pieces),
  toolCall: (name: string, args?: Record<string, unknown> | string, options?: ScriptedToolCallOptions) => new ScriptedTurn().toolCall(name, args, options),
  usage: (usage: TokenUsage) => new ScriptedTurn().usage(usage),
  delay: (ms: number) => new ScriptedTurn().delay(ms),
  error: (error: ModelErrorCode | Error, options?: ScriptedErrorOptions) => new ScriptedTurn().error(error, options),
  hang: () => new ScriptedTurn().hang(),
};

function split(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
