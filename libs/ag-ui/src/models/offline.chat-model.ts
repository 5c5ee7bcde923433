import { randomUUID } from 'node:crypto';
import type { Message, ToolMessage } from '@ag-ui/core';
import type { ChatModel, ChatModelChunk, ChatModelRequest, ModelToolDefinition } from './chat-model.interface.js';

export interface OfflineChatModelOptions {
  /** Pause between streamed tokens so a human sees streaming; tests pass 0. Default 15. */
  tokenDelayMs?: number;
}

type JsonObject = Record<string, unknown>;

/** What the offline model decided to do this turn. */
type Reply = { kind: 'text'; text: string } | { kind: 'tool-call'; name: string; args: JsonObject };

/** A property schema with nullable unions (`["string","null"]`, `anyOf: [..., {type:"null"}]`) unwrapped. */
interface PropertySchema {
  schema: JsonObject;
  type: string | undefined;
  nullable: boolean;
}

/** Below this a tool is not worth calling: one tool-name word (2) or two description words (1 each). */
const MIN_TOOL_SCORE = 2;
const MAX_LISTED_ITEMS = 5;
const MAX_LISTED_FIELDS = 8;

const STOP_WORDS = new Set(
  ('a an the i me my mine you your yours we us our it its this that these those there here is are am was were be been ' +
    'do does did to of for in on at by with from about into and or but not no so if then than as all any some ' +
    'please can could would will shall should may might must let get show tell give want need like what which who ' +
    'whom whose when where why how hi hello hey thanks thank ok okay').split(' '),
);
const TRUTHY_WORDS = new Set(['yes', 'true', 'urgent', 'urgently', 'asap', 'immediately', 'critical', 'emergency']);
const TITLE_FIELD = /(subject|title|heading|summary|name)$/i;
const FREE_TEXT_FIELD = /(description|body|message|text|content|details?|comment|note|notes|reason|query|question|prompt)$/i;
const ID_TOKEN = /\b(?:[A-Za-z][A-Za-z0-9]*-\d[A-Za-z0-9-]*|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})\b/gi;
/** A standalone number: not the digits inside an id such as `ORD-1001`. */
const NUMBER = /(?<![\w.-])-?\d+(?:\.\d+)?(?![\w-]|\.\d)/;
const ERROR_TEXT = /^\s*(?:\w*error|failed|failure|exception)\b/i;

/**
 * A deterministic stand-in for a real LLM, used when no API key is configured. It still behaves
 * like a model: it picks a tool by word overlap, fills its arguments from the user's text and the
 * tool's JSON Schema, summarises tool results, and streams everything token by token.
 */
export class OfflineChatModel implements ChatModel {
  readonly provider = 'offline';
  private readonly tokenDelayMs: number;
  private callCount = 0;

  constructor(options: OfflineChatModelOptions = {}) {
    this.tokenDelayMs = Math.max(0, options.tokenDelayMs ?? 15);
  }

  async *stream(request: ChatModelRequest): AsyncGenerator<ChatModelChunk> {
    const { signal } = request;
    signal.throwIfAborted();
    const messages = Array.isArray(request.messages) ? request.messages : [];
    const reply = decide(messages, Array.isArray(request.tools) ? request.tools : []);

    let outputTokens: number;
    if (reply.kind === 'tool-call') {
      // The random suffix keeps ids unique across restarts, when a client replays an old history.
      const id = `call_offline_${++this.callCount}_${randomUUID().slice(0, 8)}`;
      yield { type: 'tool-call-start', index: 0, id, name: reply.name };
      const args = JSON.stringify(reply.args);
      outputTokens = countWords(`${reply.name} ${args}`);
      for await (const delta of this.paced(splitInto(args, 3), signal)) {
        yield { type: 'tool-call-args', index: 0, delta };
      }
    } else {
      outputTokens = countWords(reply.text);
      for await (const delta of this.paced(reply.text.match(/\s*\S+/g) ?? [], signal)) {
        yield { type: 'text', delta };
      }
    }

    signal.throwIfAborted();
    const inputTokens = countWords(request.instructions ?? '') + messages.reduce((sum, m) => sum + countWords(messageText(m)), 0);
    yield {
      type: 'usage',
      usage: { provider: this.provider, model: request.model, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    };
    yield { type: 'finish', reason: reply.kind === 'tool-call' ? 'tool_calls' : 'stop' };
  }

  /** Yields the pieces with `tokenDelayMs` between them, stopping as soon as the signal aborts. */
  private async *paced(pieces: readonly string[], signal: AbortSignal): AsyncGenerator<string> {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await pause(this.tokenDelayMs, signal);
      yield piece;
    }
  }
}

function decide(messages: readonly Message[], tools: readonly ModelToolDefinition[]): Reply {
  const results: ToolMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'tool') break;
    results.unshift(message);
  }
  // Tool results are in: report them rather than calling a tool again.
  if (results.length > 0) return { kind: 'text', text: summariseResults(results, messages) };

  const lastUser = messages.findLast((m) => m?.role === 'user');
  const userText = lastUser ? messageText(lastUser).trim() : '';
  const callable = tools.filter((t): t is ModelToolDefinition => isRecord(t) && typeof t.name === 'string' && t.name !== '');
  const tool = userText ? bestTool(userText, callable) : undefined;
  if (tool) return { kind: 'tool-call', name: tool.name, args: buildArguments(tool.parameters, userText) };
  return { kind: 'text', text: introduction(userText, callable) };
}

// ---- Choosing a tool ----

function bestTool(userText: string, tools: readonly ModelToolDefinition[]): ModelToolDefinition | undefined {
  const asked = keywords(userText);
  let best: ModelToolDefinition | undefined;
  let bestScore = MIN_TOOL_SCORE - 1;
  for (const tool of tools) {
    const nameWords = keywords(tool.name);
    const descriptionWords = keywords(typeof tool.description === 'string' ? tool.description : '');
    let score = 0;
    for (const word of asked) score += nameWords.has(word) ? 2 : descriptionWords.has(word) ? 1 : 0;
    // Strictly greater, so the first of equally good tools wins.
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/** Splits camelCase, snake_case and prose into lower-case words. */
function splitWords(text: string): string[] {
  return (
    text
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function keywords(text: string): Set<string> {
  return new Set(splitWords(text).filter((w) => w.length > 1 && !STOP_WORDS.has(w)).map(stem));
}

/** Just enough stemming that "orders" meets "order" and "entries" meets "entry". */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

// ---- Filling arguments from the schema ----

function buildArguments(parameters: unknown, text: string): JsonObject {
  const schema = isRecord(parameters) ? parameters : {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const args: JsonObject = {};
  for (const [name, raw] of Object.entries(properties)) {
    const property = resolveSchema(raw);
    const found = extractValue(name, property, text);
    if (found !== undefined) args[name] = found;
    // Strict schemas list every key as required and mark optional ones nullable.
    else if (required.has(name)) args[name] = property.nullable ? null : fallbackValue(property, text);
  }
  return args;
}

function resolveSchema(raw: unknown): PropertySchema {
  const schema = isRecord(raw) ? raw : {};
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (variants) {
    const nonNull = variants.filter((v) => !(isRecord(v) && v.type === 'null'));
    const inner = resolveSchema(nonNull[0]);
    return { ...inner, nullable: inner.nullable || nonNull.length < variants.length };
  }
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === 'string');
  return { schema, type: types.find((t) => t !== 'null'), nullable: types.includes('null') || schema.nullable === true };
}

/** The value the user's text gives for a property, or undefined when nothing in it fits. */
function extractValue(name: string, { schema, type }: PropertySchema, text: string): unknown {
  if ('const' in schema) return schema.const;
  // Enum values come from schemas, possibly a client's: only scalars are words to look for.
  if (Array.isArray(schema.enum)) return schema.enum.find((value) => isScalar(value) && mentions(text, String(value)));
  switch (type) {
    case 'integer':
    case 'number':
      return findNumber(text, schema, type === 'integer');
    case 'boolean':
      return saysYes(name, text) ? true : undefined;
    case 'string':
      return findString(name, schema, text);
    default:
      return undefined;
  }
}

/** What a required property gets when the text says nothing about it. */
function fallbackValue({ schema, type }: PropertySchema, text: string): unknown {
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'string':
      return firstWords(text, 8);
    case 'array':
      return [];
    case 'object':
      return buildArguments(schema, text);
    default:
      return null;
  }
}

function mentions(text: string, value: string): boolean {
  if (value === '') return false;
  const escaped = value.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escaped}(?:$|[^\\p{L}\\p{N}])`, 'u').test(text.toLowerCase());
}

function findNumber(text: string, schema: JsonObject, integer: boolean): number | undefined {
  const match = NUMBER.exec(text);
  if (!match) return undefined;
  let value = integer ? Math.round(Number(match[0])) : Number(match[0]);
  if (typeof schema.minimum === 'number') value = Math.max(value, schema.minimum);
  if (typeof schema.maximum === 'number') value = Math.min(value, schema.maximum);
  return value;
}

/** True for words like "urgent" or "yes", or when the text names the flag itself ("notify customer"). */
function saysYes(name: string, text: string): boolean {
  const said = keywords(text);
  if ([...said].some((w) => TRUTHY_WORDS.has(w))) return true;
  const flag = keywords(name);
  return flag.size > 0 && [...flag].every((w) => said.has(w));
}

function findString(name: string, schema: JsonObject, text: string): string | undefined {
  if (typeof schema.pattern === 'string') return matchPattern(schema.pattern, text);
  if (name === 'id' || /(Id|ID|_id)$/.test(name)) return findId(name, text);
  if (TITLE_FIELD.test(name)) return firstWords(text, 8);
  if (FREE_TEXT_FIELD.test(name)) return text;
  return undefined;
}

/**
 * A quantified group that itself holds a quantifier, like `(a+)+`: the shape of catastrophic
 * backtracking. Client tools' schemas reach this model too, so such patterns are not run.
 */
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)[+*{]/;
const MAX_PATTERN_LENGTH = 200;

function matchPattern(pattern: string, text: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH || NESTED_QUANTIFIER.test(pattern)) return undefined;
  // The schema anchors the whole value; unanchored, it finds that value inside the sentence.
  const unanchored = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  try {
    return new RegExp(unanchored).exec(text)?.[0] || undefined;
  } catch {
    return undefined;
  }
}

/** An id-like token, preferring one whose prefix fits the property (`INV-2001` for `invoiceId`). */
function findId(name: string, text: string): string | undefined {
  const tokens = text.match(ID_TOKEN) ?? [];
  const property = name.toLowerCase();
  return tokens.find((t) => property.startsWith(t.split('-')[0]!.toLowerCase())) ?? tokens[0];
}

// ---- Writing text ----

function introduction(userText: string, tools: readonly ModelToolDefinition[]): string {
  const asked = userText ? `You said "${firstWords(userText, 8)}".` : 'I did not find a question in the conversation.';
  const offer = tools.length
    ? `Ask for one of my tools and I will call it: ${tools.map((t) => `${t.name} (try "${splitWords(t.name).join(' ')}")`).join(', ')}.`
    : 'No tools are available to me right now, so that is all I can say.';
  return `Hi! I am the offline demo model, so my answers are simple and deterministic. ${asked} ${offer}`;
}

function summariseResults(results: readonly ToolMessage[], messages: readonly Message[]): string {
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    if (message?.role !== 'assistant' || !Array.isArray(message.toolCalls)) continue;
    for (const call of message.toolCalls) {
      if (isRecord(call) && isRecord(call.function)) toolNames.set(call.id, String(call.function.name));
    }
  }
  const parts = results.map((result) => summariseResult(toolNames.get(result.toolCallId) ?? 'The tool', result));
  return `Here is what I found. ${parts.join(' ')}`;
}

function summariseResult(name: string, result: ToolMessage): string {
  const data = parseJson(contentText(result.content));
  const failure = result.error || errorIn(data);
  if (failure) return sentence(`${name} failed: ${failure}`);
  if (Array.isArray(data)) {
    if (data.length === 0) return `${name} returned no items.`;
    const listed = data.slice(0, MAX_LISTED_ITEMS).map((item, i) => `(${i + 1}) ${describeItem(item)}`);
    const more = data.length > MAX_LISTED_ITEMS ? `; and ${data.length - MAX_LISTED_ITEMS} more` : '';
    return `${name} returned ${plural(data.length, 'item')}: ${listed.join('; ')}${more}.`;
  }
  if (isRecord(data)) {
    const entries = Object.entries(data);
    if (entries.length === 0) return `${name} returned an empty result.`;
    const fields = entries.slice(0, MAX_LISTED_FIELDS).map(([key, value]) => `${key}: ${describeValue(value)}`);
    const more = entries.length > MAX_LISTED_FIELDS ? `, and ${entries.length - MAX_LISTED_FIELDS} more fields` : '';
    return `${name} returned ${fields.join(', ')}${more}.`;
  }
  if (typeof data === 'string') return data.trim() ? `${name} returned "${truncate(data.trim(), 200)}".` : `${name} returned nothing.`;
  return `${name} returned ${String(data)}.`;
}

/** Why a result counts as a failure: `{ error }`, `{ ok: false }` or text that opens with "Error". */
function errorIn(data: unknown): string | undefined {
  if (typeof data === 'string') return ERROR_TEXT.test(data) ? truncate(data.trim(), 200) : undefined;
  if (!isRecord(data)) return undefined;
  const { error } = data;
  if (typeof error === 'string' && error) return error;
  if (isRecord(error)) return typeof error.message === 'string' ? error.message : JSON.stringify(error);
  if (data.ok === false || data.success === false) return typeof data.message === 'string' ? data.message : 'it reported no success';
  return undefined;
}

/** The fields of a list item worth reading aloud: ids, names, statuses and amounts. */
function describeItem(item: unknown): string {
  if (!isRecord(item)) return describeValue(item);
  const simple = Object.entries(item).filter(([, v]) => v === null || typeof v !== 'object');
  const key = simple.filter(([k]) => /(id|name|title|status|state|total|amount|price)$/i.test(k));
  const shown = (key.length ? key : simple).slice(0, 4);
  return shown.length ? shown.map(([k, v]) => `${k}: ${describeValue(v)}`).join(', ') : '{…}';
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return plural(value.length, 'item');
  if (isRecord(value)) return '{…}';
  return typeof value === 'string' ? truncate(value, 60) : String(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

// ---- Small helpers ----

/** Waits `ms`, rejecting with the signal's reason the moment it aborts so no timer outlives the run. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal.throwIfAborted();
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function messageText(message: Message): string {
  if (!isRecord(message)) return '';
  const text = contentText(message.content);
  if (message.role !== 'assistant' || !Array.isArray(message.toolCalls)) return text;
  const args = message.toolCalls.map((call) => (isRecord(call.function) ? String(call.function.arguments) : ''));
  return [text, ...args].join(' ');
}

/** Plain text of string content or of the text parts among content parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { text: string } => isRecord(part) && part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function splitInto(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

function firstWords(text: string, count: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, count).join(' ') + (words.length > count ? '…' : '');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
