import type { Message, TokenUsage } from '@ag-ui/core';

/** A tool as the model sees it: name, description and a JSON Schema for its arguments. */
export interface ModelToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  /** Ask the provider to hold the arguments to the schema exactly (OpenAI `strict`). */
  strict?: boolean;
}

/** One model turn. Messages are AG-UI messages: each adapter maps them to its provider's shape. */
export interface ChatModelRequest {
  model: string;
  /** The agent's system prompt, sent before the conversation. */
  instructions?: string;
  messages: readonly Message[];
  tools: readonly ModelToolDefinition[];
  temperature?: number;
  /** The most tokens the model may write in this turn; adapters send it as their provider's limit. */
  maxOutputTokens?: number;
  /** Aborted when the client goes away or the run times out: the adapter must stop the provider request. */
  signal: AbortSignal;
}

/**
 * What a model streams, normalised across providers. Tool calls are keyed by `index`
 * because providers stream several calls interleaved by position.
 */
export type ChatModelChunk =
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-args'; index: number; delta: string }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'finish'; reason: string };

/**
 * The seam for model providers. `stream` yields chunks as the provider sends them and
 * throws `ModelError` (see errors/) for provider failures so the runner can retry or report them.
 */
export interface ChatModel {
  /** Shown in logs and the info endpoint, e.g. `openai` or `offline`. */
  readonly provider: string;
  stream(request: ChatModelRequest): AsyncIterable<ChatModelChunk>;
}
