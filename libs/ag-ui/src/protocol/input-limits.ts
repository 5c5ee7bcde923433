import type { RunAgentInput } from '@ag-ui/core';
import { InvalidIdError, InvalidRunInputError } from '../errors/ag-ui.error.js';
import type { JsonBounds } from './json-bounds.scanner.js';

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
  /**
   * Characters of one id or tool name (default 128): `threadId`, `runId`, `parentRunId`, message ids,
   * tool call ids, interrupt ids in `resume`, and tool names. Longer is a 400 `INVALID_ID`.
   */
  maxIdLength?: number;
  /**
   * What an id may contain (default `/^[A-Za-z0-9_.:-]+$/`: uuids, `call_…`, `int_…`, `ck-…` fit).
   * Anything else, newlines and escapes above all, is a 400 `INVALID_ID`.
   */
  idPattern?: RegExp;
  /**
   * What a tool name may be, in `tools` and in the history's tool calls (default
   * `/^[A-Za-z0-9_-]{1,64}$/`, OpenAI's rule for function names). Else a 400 `INVALID_ID`.
   */
  toolNamePattern?: RegExp;
  /**
   * Nesting of objects and arrays anywhere in the body (default 64), checked on the raw text before
   * it is parsed: covers messages, content parts and their metadata, tools, state, context,
   * forwardedProps and resume payloads alike. Deeper is a 400 `INPUT_TOO_DEEP`. Also the bound on
   * a tool's arguments from the model (a tool error for the model when over).
   */
  maxDepth?: number;
  /** Characters of one JSON string in the body (default 4 194 304, the default body limit: a long string costs linear time; lower it to bound one field); longer is a 413 `INPUT_TOO_COMPLEX`. */
  maxStringChars?: number;
  /** Array items plus object keys in the whole body (default 100 000); more is a 413 `INPUT_TOO_COMPLEX`. */
  maxJsonItems?: number;
}

const DEFAULTS: Required<InputLimits> = {
  maxMessages: 500,
  maxMessageChars: 100_000,
  maxClientTools: 64,
  maxToolSchemaBytes: 16 * 1024,
  maxContextItems: 64,
  maxContextBytes: 64 * 1024,
  maxStateBytes: 256 * 1024,
  maxIdLength: 128,
  idPattern: /^[A-Za-z0-9_.:-]+$/,
  toolNamePattern: /^[A-Za-z0-9_-]{1,64}$/,
  maxDepth: 64,
  maxStringChars: 4 * 1024 * 1024,
  maxJsonItems: 100_000,
};

/** The shape bounds of client JSON (depth, string length, items) from the configured limits. */
export function jsonBoundsOf(configured: InputLimits = {}): JsonBounds {
  return {
    maxDepth: configured.maxDepth ?? DEFAULTS.maxDepth,
    maxStringChars: configured.maxStringChars ?? DEFAULTS.maxStringChars,
    maxItems: configured.maxJsonItems ?? DEFAULTS.maxJsonItems,
  };
}

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

/** A pattern with `g` or `y` keeps a position between tests: use a copy without them. */
function stateless(pattern: RegExp): RegExp {
  return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

/**
 * Ids and names are bounded and plain before anything keeps them (thread records, interrupts,
 * logs): the length first, so a multi-MiB id is refused without a pattern walking it.
 */
export function checkIds(input: RunAgentInput, limits: Required<Pick<InputLimits, 'maxIdLength' | 'idPattern' | 'toolNamePattern'>>): void {
  const idPattern = stateless(limits.idPattern);
  const namePattern = stateless(limits.toolNamePattern);
  const check = (field: string, value: unknown, pattern: RegExp): void => {
    if (typeof value !== 'string') return;
    if (value.length > limits.maxIdLength) throw new InvalidIdError(field, `${value.length} characters, above the limit of ${limits.maxIdLength}`);
    if (!pattern.test(value)) throw new InvalidIdError(field, `does not match ${pattern}`);
  };
  check('threadId', input.threadId, idPattern);
  check('runId', input.runId, idPattern);
  check('parentRunId', input.parentRunId, idPattern);
  input.messages.forEach((message, index) => {
    const { id, toolCalls, toolCallId } = message as { id?: unknown; toolCalls?: unknown; toolCallId?: unknown };
    check(`messages.${index}.id`, id, idPattern);
    check(`messages.${index}.toolCallId`, toolCallId, idPattern);
    if (!Array.isArray(toolCalls)) return;
    toolCalls.forEach((call: { id?: unknown; function?: { name?: unknown } }, callIndex) => {
      check(`messages.${index}.toolCalls.${callIndex}.id`, call?.id, idPattern);
      check(`messages.${index}.toolCalls.${callIndex}.function.name`, call?.function?.name, namePattern);
    });
  });
  input.tools.forEach((tool, index) => check(`tools.${index}.name`, tool.name, namePattern));
  (input.resume ?? []).forEach((answer, index) => check(`resume.${index}.interruptId`, answer.interruptId, idPattern));
}

/** Throws InvalidRunInputError (a 400) naming the first limit the input goes over, or InvalidIdError for an id. */
export function checkInputLimits(input: RunAgentInput, configured: InputLimits = {}): void {
  const limits = { ...DEFAULTS, ...configured };
  checkIds(input, limits);
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
