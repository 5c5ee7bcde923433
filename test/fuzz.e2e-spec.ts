// Property-based fuzzing of POST /agents/:id (fast-check): random JSON, schema-valid RunAgentInput bodies, mutations of
// them (deleted keys, wrong types, huge strings, odd unicode, __proto__/constructor keys) and raw, truncated or mistyped
// bodies. Each answer must be a valid AG-UI stream or a 400/413/415 JSON error without a stack trace, never a 5xx or a reset;
// afterwards no unhandled rejection, no logged error, the heap near its baseline, no open socket. To replay a failure, put the
// printed `{ seed, path, endOnFailure }` in that property's fc.assert options: NODE_OPTIONS=--experimental-vm-modules npx jest test/fuzz
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import fc from 'fast-check';
import { EventType } from '@ag-ui/core';
import { OfflineChatModel } from 'nestjs-ag-ui';
import { expectValidRun } from './support/ag-ui.assertions.js';
import { parseSse } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// ---- Requests and the contract every answer must meet ----

interface FuzzRequest {
  body: string | Uint8Array<ArrayBuffer>;
  /** undefined: application/json; null: no Content-Type header at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
}

type Expectation = 'stream' | 'stream-or-4xx';

// 409: a resume naming interrupts the thread does not wait for (every fuzzed resume does).
const REFUSALS = [400, 409, 413, 415];
const STACK_MARKERS = ['    at ', '.ts:', 'node_modules'];

const stats = { requests: 0, statuses: new Map<number, number>(), toolCallRuns: 0, runErrors: 0 };

let t: TestApp;

async function send(request: FuzzRequest): Promise<{ status: number; contentType: string; text: string }> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...request.headers };
  let body = request.body;
  if (request.contentType === null) {
    // fetch labels a string body text/plain; bytes go out without any Content-Type.
    if (typeof body === 'string') body = new TextEncoder().encode(body);
  } else {
    headers['content-type'] = request.contentType ?? 'application/json';
  }
  // A reset or a dropped stream rejects here (fetch failed / terminated), which fails the property.
  const response = await fetch(t.agentUrl, { method: 'POST', headers, body });
  const text = await response.text();
  stats.requests++;
  stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

const textOf = (body: string | Uint8Array) => (typeof body === 'string' ? body : new TextDecoder().decode(body));

/** A valid body may still answer interrupts nobody issued: that is the one refusal it earns. */
function answersUnknownInterrupts(sent: string, answer: string): boolean {
  const body = JSON.parse(sent.replace(/^\uFEFF/, '')) as { resume?: unknown[] };
  return (body.resume?.length ?? 0) > 0 && (JSON.parse(answer) as { error?: string }).error === 'INTERRUPT_NOT_PENDING';
}

/** POSTs one request and checks the answer: a valid AG-UI stream for the body's ids, or a clean 4xx JSON error. */
async function expectWellHandled(request: FuzzRequest, expectation: Expectation = 'stream-or-4xx'): Promise<void> {
  const { status, contentType, text } = await send(request);
  const sent = textOf(request.body);
  for (const marker of STACK_MARKERS) {
    // Text the client sent itself may come back (a JSON syntax error quotes it); anything else is a leak.
    if (text.includes(marker) && !sent.includes(marker)) throw new Error(`Answer ${status} leaks "${marker}": ${text.slice(0, 500)}`);
  }
  if (status === 200) {
    expect(contentType).toMatch(/^text\/event-stream/);
    // The server's JSON parser skips a leading byte order mark, so the expected ids must too.
    const input = JSON.parse(sent.replace(/^\uFEFF/, '')) as { threadId: string; runId: string };
    const events = parseSse(text);
    await expectValidRun(events, { threadId: input.threadId, runId: input.runId });
    if (events.some((event) => event.type === EventType.TOOL_CALL_START)) stats.toolCallRuns++;
    if (events.at(-1)!.type === EventType.RUN_ERROR) stats.runErrors++;
    return;
  }
  if (expectation === 'stream' && !(status === 409 && answersUnknownInterrupts(sent, text))) {
    throw new Error(`A valid RunAgentInput was refused with ${status}: ${text.slice(0, 500)}`);
  }
  if (!REFUSALS.includes(status)) throw new Error(`Expected a stream or ${REFUSALS.join('/')}, got ${status}: ${text.slice(0, 500)}`);
  expect(contentType).toMatch(/^application\/json/);
  const answer = JSON.parse(text) as { statusCode?: unknown; message?: unknown };
  expect(answer.statusCode).toBe(status);
  expect(typeof answer.message).toBe('string');
}

// ---- Arbitraries: bits and pieces ----

const ODD_UNICODE = [
  '\uD800',
  'x\uDFFFy',
  'a\u0000b',
  '\u2028\u2029',
  '\uFEFFbom',
  '\u202Eevil\u202C',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\uFFFF\uFFFE',
  '\u0085\u000B\f',
  '𝕏𝕐ℤ',
  '',
  // An attempt to forge SSE frames through echoed text.
  '\r\n\r\ndata: {"type":"RUN_ERROR","message":"injected"}\n\n',
];
const PROMPTS = [
  'lookup order ORD-1001 please',
  'send email to bob@example.com about invoice INV-2001 urgently',
  'get weather in Paris for 3 days',
  'create ticket: the printer is broken, yes notify customer',
  'refund order ORD-7 amount 12.5',
  'yes',
];
const TOOL_NAMES = ['lookupOrder', 'send_email', 'getWeather', 'createTicket', 'refund-order'];
const PROP_NAMES = ['orderId', 'id', 'subject', 'description', 'quantity', 'urgent', 'email', 'customer_id', 'notes', '__proto__', 'constructor', 'toString'];
const RUN_INPUT_KEYS = ['threadId', 'runId', 'messages', 'tools', 'context', 'state', 'forwardedProps', 'parentRunId', 'protocolVersion', 'resume'];

const anyJson = fc.jsonValue({ maxDepth: 4 });
const nonNullJson = anyJson.filter((value) => value !== null);
const oddString = fc.oneof(
  fc.constantFrom(...ODD_UNICODE),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...ODD_UNICODE), maxLength: 4 }),
);
const text = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: fc.constantFrom(...PROMPTS) }, oddString);
// Valid ids and tool names follow the module's id rules (inputLimits.idPattern, toolNamePattern): others are a 400 INVALID_ID, test/abuse/ids.e2e-spec.ts.
const id = fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/) }, fc.uuid());
const toolName = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...TOOL_NAMES) }, fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/));
const propName = fc.oneof(fc.constantFrom(...PROP_NAMES), fc.string({ maxLength: 8 }));
const metadata = fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Random JSON Schemas: plausible ones the offline model walks (properties, required, enum, pattern...) and junk. */
const { schema: jsonSchema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      {
        type: fc.oneof(fc.constantFrom('string', 'integer', 'number', 'boolean', 'null', 'array', 'object'), fc.array(fc.constantFrom('string', 'null', 'integer'), { maxLength: 3 }), anyJson),
        description: text,
        enum: fc.array(anyJson, { maxLength: 4 }),
        const: anyJson,
        default: anyJson,
        pattern: fc.oneof(fc.constantFrom('^[A-Z]+-\\d+$', '\\d+', '[', '^$', '(a|b)*c'), fc.string({ maxLength: 6 })),
        minimum: number,
        maximum: number,
        nullable: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(propName, tie('schema'), { maxKeys: 4 }),
        required: fc.array(propName, { maxLength: 4 }),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
      },
      { requiredKeys: ['type'] },
    ),
    fc.record({ anyOf: fc.array(fc.oneof(tie('schema'), fc.constant({ type: 'null' })), { maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('array'), items: tie('schema') }),
    fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }),
  ),
}));

// ---- Arbitraries: schema-valid RunAgentInput ----

const textPart = fc.record({ type: fc.constant('text'), text, id, metadata }, { requiredKeys: ['type', 'text'] });
const partSource = fc.oneof(
  fc.record({ type: fc.constant('data'), value: fc.base64String({ maxLength: 40 }), mimeType: fc.constantFrom('image/png', 'audio/wav', 'application/pdf', '') }),
  fc.record({ type: fc.constant('url'), value: fc.oneof(fc.webUrl(), fc.string()), mimeType: fc.string() }, { requiredKeys: ['type', 'value'] }),
  fc.record({ type: fc.constant('file'), value: fc.string(), provider: fc.string(), mimeType: fc.string() }, { requiredKeys: ['type', 'value'] }),
);
const mediaPart = fc.record({ type: fc.constantFrom('image', 'audio', 'video', 'document'), source: partSource, id, metadata }, { requiredKeys: ['type', 'source'] });
const contentParts = fc.array(fc.oneof({ weight: 3, arbitrary: textPart }, mediaPart), { maxLength: 4 });
/** What a tool returned: text, or JSON of the shapes the offline model summarises. */
const toolResult = fc.oneof(
  text,
  anyJson.map((value) => JSON.stringify(value)),
  fc.array(fc.record({ id: fc.string(), name: fc.string(), status: fc.string(), total: number }, { requiredKeys: [] }), { maxLength: 7 }).map((items) => JSON.stringify(items)),
  fc.record({ error: fc.oneof(fc.string(), anyJson), ok: fc.boolean(), message: fc.string() }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  contentParts,
);
const toolCall = fc.record({
  id,
  type: fc.constant('function'),
  function: fc.record({ name: toolName, arguments: fc.oneof(fc.string(), anyJson.map((value) => JSON.stringify(value))) }),
});

const message = fc.oneof(
  { weight: 4, arbitrary: fc.record({ id, role: fc.constant('user'), content: fc.oneof(text, contentParts), name: fc.string(), metadata }, { requiredKeys: ['id', 'role', 'content'] }) },
  {
    weight: 2,
    arbitrary: fc.record({ id, role: fc.constant('assistant'), content: text, toolCalls: fc.array(toolCall, { maxLength: 3 }), name: fc.string(), metadata }, { requiredKeys: ['id', 'role'] }),
  },
  fc.record({ id, role: fc.constantFrom('system', 'developer'), content: text, name: fc.string() }, { requiredKeys: ['id', 'role', 'content'] }),
  fc.record({ id, role: fc.constant('tool'), toolCallId: id, content: toolResult, error: text, metadata }, { requiredKeys: ['id', 'role', 'toolCallId', 'content'] }),
  fc.record({ id, role: fc.constant('reasoning'), content: text }),
  fc.record({ id, role: fc.constant('activity'), activityType: fc.string(), content: metadata }),
);
/** An assistant turn that called tools, followed by their results: the path where the model summarises. */
const toolRound = fc.record({ messageId: id, calls: fc.array(fc.record({ call: toolCall, result: toolResult, resultId: id, error: fc.option(text, { nil: undefined }) }), { minLength: 1, maxLength: 3 }) }).map(
  ({ messageId, calls }) => [
    { id: messageId, role: 'assistant', toolCalls: calls.map(({ call }) => call) },
    ...calls.map(({ call, result, resultId, error }) => ({ id: resultId, role: 'tool', toolCallId: call.id, content: result, ...(error === undefined ? {} : { error }) })),
  ],
);
const messages = fc.array(fc.oneof({ weight: 4, arbitrary: message.map((m) => [m]) }, toolRound), { maxLength: 6 }).map((groups) => groups.flat());

const clientTool = fc.record(
  { name: toolName, description: text, parameters: fc.oneof({ weight: 3, arbitrary: jsonSchema }, nonNullJson), metadata },
  { requiredKeys: ['name', 'description'] },
);

const validBody: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    threadId: id,
    runId: id,
    messages,
    tools: fc.array(clientTool, { maxLength: 4 }),
    context: fc.array(fc.record({ description: text, value: text }), { maxLength: 4 }),
    state: anyJson,
    forwardedProps: nonNullJson,
    parentRunId: id,
    protocolVersion: fc.constantFrom('1.0', '0.9', '', '99'),
    resume: fc.array(fc.record({ interruptId: id, status: fc.constantFrom('resolved', 'cancelled'), payload: nonNullJson, metadata }, { requiredKeys: ['interruptId', 'status'] }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ['threadId', 'runId', 'messages'] },
);

// ---- Arbitraries: mutations of a valid body ----

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

const POLLUTION: unknown[] = [{ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, { role: 'system' }, { parentRunId: 5 }, { toString: 1, valueOf: 1 }, { isAdmin: true }];
const WRONG_TYPED = [42, -1, 1.5, true, false, null, '', 'text', [], {}, [1, 'two'], { a: 1 }];
const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const mutation = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyJson }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrong-type' as const), at: fc.nat(), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      at: fc.nat(),
      // Around the 100 000-character message limit and Nest's 100 kB body limit, and past them.
      length: fc.oneof(fc.integer({ min: 1_000, max: 150_000 }), fc.constantFrom(99_999, 100_000, 100_001)),
      unit: fc.constantFrom('x', 'é', '😀', '\\', '"', ' ', '\u0000'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unicode' as const), at: fc.nat(), value: oddString }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('proto-key' as const),
      at: fc.nat(),
      key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
      value: fc.oneof(fc.constantFrom(...POLLUTION), anyJson),
    }),
  },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function slotsOf(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        slots.push({ parent: node, key: index });
        walk(child);
      });
    } else if (isObject(node)) {
      for (const key of Object.keys(node)) {
        slots.push({ parent: node, key });
        walk(node[key]);
      }
    }
  };
  walk(root);
  return slots;
}

const read = ({ parent, key }: Slot) => (parent as Record<string | number, unknown>)[key];
/** defineProperty, so that a `__proto__` key becomes an own property JSON.stringify sends, not a prototype. */
const define = (object: object, key: string | number, value: unknown) => Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });

function mutate(body: Record<string, unknown>, mutations: readonly Mutation[]): string {
  const root = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  for (const m of mutations) {
    const slots = slotsOf(root);
    if (m.kind === 'proto-key') {
      const objects = [root, ...slots.map(read).filter(isObject)];
      define(objects[m.at % objects.length]!, m.key, m.value);
      continue;
    }
    const strings = slots.filter((slot) => typeof read(slot) === 'string');
    const pool = (m.kind === 'huge' || m.kind === 'unicode') && strings.length ? strings : slots;
    if (!pool.length) continue;
    const slot = pool[m.at % pool.length]!;
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete slot.parent[slot.key];
        break;
      case 'replace':
        define(slot.parent, slot.key, m.value);
        break;
      case 'wrong-type': {
        const others = WRONG_TYPED.filter((value) => typeOf(value) !== typeOf(read(slot)));
        define(slot.parent, slot.key, others[m.pick % others.length]);
        break;
      }
      case 'huge':
        define(slot.parent, slot.key, m.unit.repeat(m.length));
        break;
      case 'unicode':
        define(slot.parent, slot.key, m.value);
        break;
    }
  }
  return JSON.stringify(root);
}

// ---- Arbitraries: whole requests, one family per property ----

const randomJsonRequest: fc.Arbitrary<FuzzRequest> = fc
  .oneof(
    anyJson,
    fc.dictionary(fc.oneof(fc.constantFrom(...RUN_INPUT_KEYS), fc.string({ maxLength: 10 })), anyJson, { maxKeys: 8 }),
    fc.record(Object.fromEntries(RUN_INPUT_KEYS.map((key) => [key, anyJson])), { requiredKeys: [] }),
    fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withDate: true, withTypedArray: true, withMap: true, withSet: true }),
  )
  .map((value) => ({ body: JSON.stringify(value) ?? '' }));

const validRequest: fc.Arbitrary<FuzzRequest> = validBody.map((body) => ({ body: JSON.stringify(body) }));

const mutatedRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ body: validBody, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
  .map(({ body, mutations }) => ({ body: mutate(body, mutations) }));

const CONTENT_TYPES = [
  null,
  '',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=UTF-8',
  'application/vnd.ag-ui+json',
  'application/merge-patch+json',
  'application/json; charset=latin1',
  'application/json; charset=utf-16le',
  'application/jsonp',
  'application/json5',
  'application/*',
  ';;;',
];
const ACCEPTS = ['text/event-stream', '*/*', 'application/json', 'application/vnd.ag-ui.event+proto;q=0', 'garbage;;q=x'];
const RAW_BODIES = [
  '',
  ' ',
  '\n\t',
  'null',
  'true',
  '0',
  '-1e999',
  '"text"',
  '[]',
  '{}',
  'NaN',
  '{"threadId":',
  '\uFEFF{"threadId":"t","runId":"r","messages":[]}',
  '{"threadId":"t","runId":"r","messages":[]}garbage',
  '{"a":1}{"b":2}',
  "{'threadId':'t'}",
  '{"threadId":"t","runId":"r","messages":[],}',
  '{"threadId":"t","runId":"r","messages":[{"id":"m","role":"user","content":"\\ud800"}]}',
];

const rawRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((body) => ({ body })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ body })),
  fc.constantFrom(...RAW_BODIES).map((body) => ({ body })),
  // Truncated JSON, cut anywhere.
  fc.record({ body: validBody, cut: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }).map(({ body, cut }) => {
    const json = JSON.stringify(body);
    return { body: json.slice(0, Math.floor(cut * json.length)) };
  }),
  // Valid JSON with bytes before or after it.
  fc.record({ body: validBody, before: fc.constantFrom('', ' ', '\uFEFF', 'x', ']'), after: fc.constantFrom('', '}', ']', ',', 'x', '\u0000', ' {}') }).map(({ body, before, after }) => ({
    body: `${before}${JSON.stringify(body)}${after}`,
  })),
  // Valid or raw bodies under other content types, encodings and Accept headers.
  fc
    .record({
      body: fc.oneof(validBody.map((body) => JSON.stringify(body)), fc.constantFrom(...RAW_BODIES)),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      accept: fc.constantFrom(...ACCEPTS),
      encoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-bogus'), { nil: undefined }),
    })
    .map(({ body, contentType, accept, encoding }) => ({ body, contentType, headers: { accept, ...(encoding ? { 'content-encoding': encoding } : {}) } })),
);

/** Nesting `depth` levels deep, written as text: JSON.stringify itself would overflow the stack long before. */
function nested(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}
const DEEP = '\u0000deep\u0000';
const DEEP_TARGETS = {
  state: (body: Record<string, unknown>) => ({ ...body, state: DEEP }),
  forwardedProps: (body: Record<string, unknown>) => ({ ...body, forwardedProps: DEEP }),
  'tools.0.parameters': (body: Record<string, unknown>) => ({ ...body, tools: [{ name: 'deep', description: 'deep', parameters: DEEP }] }),
  'context.0.extra': (body: Record<string, unknown>) => ({ ...body, context: [{ description: 'c', value: 'v', extra: DEEP }] }),
  'messages.0.metadata': (body: Record<string, unknown>) => ({ ...body, messages: [{ id: 'm', role: 'user', content: 'hi', metadata: { deep: DEEP } }] }),
  'resume.0.payload': (body: Record<string, unknown>) => ({ ...body, resume: [{ interruptId: 'i', status: 'resolved', payload: DEEP }] }),
};
/** Kept as a description, not a body, so that a counterexample prints as a few fields rather than thousands of brackets. */
const deepNesting = fc.record({
  body: validBody,
  target: fc.constantFrom(...(Object.keys(DEEP_TARGETS) as Array<keyof typeof DEEP_TARGETS>)),
  depth: fc.integer({ min: 1, max: 8_000 }),
  shape: fc.constantFrom('array' as const, 'object' as const),
});
const deepRequest = ({ body, target, depth, shape }: typeof deepNesting extends fc.Arbitrary<infer D> ? D : never): FuzzRequest => ({
  body: JSON.stringify(DEEP_TARGETS[target](body)).replace(JSON.stringify(DEEP), nested(depth, shape)),
});

// ---- Process health ----

// Jest hands the test a copy of `process` whose listeners never fire, and no `gc`: both come from the main context.
const realProcess = runInThisContext('process') as NodeJS.Process;
const mainObjectPrototype = runInThisContext('Object.prototype') as object;

function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const MiB = 1024 * 1024;
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
};
const connectionsOf = (server: Server) => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

const BUILTIN_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
function expectNoPollution(): void {
  for (const prototype of [Object.prototype, mainObjectPrototype]) {
    expect(Object.getOwnPropertyNames(prototype).filter((name) => !BUILTIN_KEYS.has(name))).toEqual([]);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const WARM_UP = fc.sample(fc.oneof(validRequest, mutatedRequest), { seed: 7, numRuns: 40 });
const PROPERTY_TIMEOUT = 60_000;

describe('fuzzing the run endpoint with fast-check', () => {
  const processErrors: Array<{ event: string; error: unknown }> = [];
  const onRejection = (error: unknown) => processErrors.push({ event: 'unhandledRejection', error });
  const onException = (error: unknown) => processErrors.push({ event: 'uncaughtException', error });
  const gc = exposeGc();
  let baselineHeap = 0;
  let heapAfter = 0;

  beforeAll(async () => {
    realProcess.on('unhandledRejection', onRejection);
    realProcess.on('uncaughtException', onException);
    t = await startTestApp({ options: { chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) } });
    for (const request of WARM_UP) await expectWellHandled(request);
    await settle();
    gc?.();
    baselineHeap = process.memoryUsage().heapUsed;
  }, PROPERTY_TIMEOUT);

  afterAll(async () => {
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('uncaughtException', onException);
    const statuses = [...stats.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    const heap = `heap ${(baselineHeap / MiB).toFixed(1)} → ${(heapAfter / MiB).toFixed(1)} MiB${gc ? ' (after gc)' : ''}`;
    console.log(`fuzz: ${stats.requests} requests (${statuses.join(', ')}); ${stats.toolCallRuns} streams called a client tool, ${stats.runErrors} ended in RUN_ERROR; ${heap}`);
    await t?.close();
  });

  it(
    'answers random JSON bodies with a 4xx JSON error or a valid stream',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomJsonRequest, (request) => expectWellHandled(request)),
        { numRuns: 500, seed: 0xa61_0001 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'streams a valid run for every schema-valid RunAgentInput',
    async () => {
      await fc.assert(
        fc.asyncProperty(validRequest, (request) => expectWellHandled(request, 'stream')),
        { numRuns: 700, seed: 0xa61_0002 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers mutated bodies (deleted keys, wrong types, huge strings, odd unicode, __proto__ keys) with a 4xx or a valid stream, polluting nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedRequest, async (request) => {
          await expectWellHandled(request);
          expectNoPollution();
        }),
        { numRuns: 900, seed: 0xa61_0003 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers raw, truncated and mistyped bodies with a 4xx or a valid stream',
    async () => {
      await fc.assert(
        fc.asyncProperty(rawRequest, (request) => expectWellHandled(request)),
        { numRuns: 500, seed: 0xa61_0004 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  // Found by this spec: a value nested thousands of levels deep in `state`, `tools[i].parameters` or `context`
  // (an 8-10 kB body) used to answer 500, as JSON.stringify in the input limits overflowed the stack. Counterexample
  // (seed 174129157): {"threadId":"","runId":"","messages":[],"state":[[[…4116 levels…]]]}. Now a 400.
  it(
    'answers deeply nested values with a 4xx or a valid stream',
    async () => {
      await fc.assert(
        fc.asyncProperty(deepNesting, (nesting) => expectWellHandled(deepRequest(nesting))),
        { numRuns: 100, seed: 0xa61_0005 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'still serves a normal run, with the process healthy, the heap near its baseline and no socket left open',
    async () => {
      const input = { threadId: 'after-fuzz', runId: 'health-check', messages: [{ id: 'm', role: 'user', content: 'hello there' }] };
      const response = await fetch(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      expect(response.status).toBe(200);
      const events = parseSse(await response.text());
      await expectValidRun(events, input);
      expect(events.at(-1)!.type).toBe(EventType.RUN_FINISHED);

      expect(processErrors).toEqual([]);
      expect(t.logger.errors()).toEqual([]);
      expectNoPollution();

      // Same warm batch as the baseline, so both measurements see the same steady state.
      await settle();
      for (const request of WARM_UP) await expectWellHandled(request);
      await settle();
      gc?.();
      heapAfter = process.memoryUsage().heapUsed;
      // Collected, the heap must be back within a few MiB; without gc, garbage may still sit there, hence the wide margin.
      expect(heapAfter).toBeLessThan(baselineHeap + (gc ? 16 : 64) * MiB);

      // The client's keep-alive pool holds idle sockets; only a socket with a request still in flight survives this.
      const server = t.app.getHttpServer() as Server;
      server.closeIdleConnections();
      const deadline = Date.now() + 2_000;
      while ((await connectionsOf(server)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await connectionsOf(server)).toBe(0);
    },
    PROPERTY_TIMEOUT,
  );
});
