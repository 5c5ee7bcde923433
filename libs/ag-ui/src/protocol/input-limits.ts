import type { RunAgentInput } from '@ag-ui/core';
import { InvalidRunInputError } from '../errors/ag-ui.error.js';

/** Bounds on what a client may send in one run, beyond the body size; each is checked before the stream opens. */
export interface InputLimits {
  /** Messages in the history (default 500). */
  maxMessages?: number;
  /** Characters of text in one message, content parts included (default 100 000). */
  maxMessageChars?: number;
  /** Client-declared tools (default 64). */
  maxClientTools?: number;
  /** Bytes of one client tool's JSON Schema (default 16 KiB). */
  maxToolSchemaBytes?: number;
  /** `context` entries (default 64), and their bytes together (default 64 KiB). */
  maxContextItems?: number;
  maxContextBytes?: number;
  /** Bytes of `state` (default 256 KiB). */
  maxStateBytes?: number;
}

const DEFAULTS: Required<InputLimits> = {
  maxMessages: 500,
  maxMessageChars: 100_000,
  maxClientTools: 64,
  maxToolSchemaBytes: 16 * 1024,
  maxContextItems: 64,
  maxContextBytes: 64 * 1024,
  maxStateBytes: 256 * 1024,
};

/** The JSON size of client data; data nested too deep to serialize is refused rather than crashing the request. */
function bytesOf(value: unknown, field: string): number {
  if (value === undefined) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch (error) {
    if (error instanceof RangeError) throw new InvalidRunInputError(`${field}: nested too deeply`, { field });
    throw error;
  }
}

function charsOf(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  return content.reduce<number>((sum, part) => sum + (typeof part?.text === 'string' ? part.text.length : 0), 0);
}

function refuse(field: string, actual: number, limit: number, unit: string): never {
  throw new InvalidRunInputError(`${field}: ${actual} ${unit}, above the limit of ${limit}`, { field, limit });
}

/** Throws InvalidRunInputError (a 400) naming the first limit the input goes over. */
export function checkInputLimits(input: RunAgentInput, configured: InputLimits = {}): void {
  const limits = { ...DEFAULTS, ...configured };
  if (input.messages.length > limits.maxMessages) refuse('messages', input.messages.length, limits.maxMessages, 'messages');
  input.messages.forEach((message, index) => {
    const chars = charsOf((message as { content?: unknown }).content);
    if (chars > limits.maxMessageChars) refuse(`messages.${index}.content`, chars, limits.maxMessageChars, 'characters');
  });
  if (input.tools.length > limits.maxClientTools) refuse('tools', input.tools.length, limits.maxClientTools, 'tools');
  input.tools.forEach((tool, index) => {
    const bytes = bytesOf(tool.parameters, `tools.${index}.parameters`);
    if (bytes > limits.maxToolSchemaBytes) refuse(`tools.${index}.parameters`, bytes, limits.maxToolSchemaBytes, 'bytes');
  });
  if (input.context.length > limits.maxContextItems) refuse('context', input.context.length, limits.maxContextItems, 'entries');
  const contextBytes = bytesOf(input.context, 'context');
  if (contextBytes > limits.maxContextBytes) refuse('context', contextBytes, limits.maxContextBytes, 'bytes');
  const stateBytes = bytesOf(input.state, 'state');
  if (stateBytes > limits.maxStateBytes) refuse('state', stateBytes, limits.maxStateBytes, 'bytes');
}
