import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { strictToolProblem } from './openai-strict-rules.js';

/**
 * A scripted, real-HTTP stand-in for OpenAI's Chat Completions endpoint.
 * It speaks the exact wire format (SSE chunks, [DONE], error bodies) so the
 * real `openai` SDK can be pointed at it with `baseURL`.
 */

export type FakeUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

export interface FakeToolCall {
  id?: string;
  name: string;
  /** argument JSON, sent as these pieces in separate chunks */
  args: string | string[];
}

/** The delta (and non-stream message) field reasoning is sent under: OpenAI-compatible servers use either. */
export type FakeReasoningField = 'reasoning_content' | 'reasoning';

export type FakeReply =
  | {
      kind: 'text';
      text: string | string[];
      /** pieces of reasoning streamed first, one chunk each, as delta[reasoningField] */
      reasoning?: string[];
      /** default 'reasoning_content' (DeepSeek style); 'reasoning' is what e.g. vLLM and OpenRouter send */
      reasoningField?: FakeReasoningField;
      usage?: FakeUsage;
      delayMs?: number;
    }
  | {
      kind: 'tool-calls';
      calls: FakeToolCall[];
      /** pieces of reasoning streamed first (before the text and the calls), one chunk each, as delta[reasoningField] */
      reasoning?: string[];
      /** default 'reasoning_content'; 'reasoning' is what e.g. vLLM and OpenRouter send */
      reasoningField?: FakeReasoningField;
      /** optional text streamed before the calls */
      text?: string | string[];
      usage?: FakeUsage;
      delayMs?: number;
      /** interleave the calls' argument pieces round-robin instead of one call after another */
      interleave?: boolean;
    }
  | {
      kind: 'error';
      status: number;
      /** JSON body; default is OpenAI's error shape {error:{message,type,code}} */
      body?: unknown;
      headers?: Record<string, string>;
    }
  /** destroy the socket once the client has been sent `afterChunks` chunks, the role chunk included (no [DONE]);
   *  a non-stream request is cut before any response */
  | { kind: 'cut'; reply: Extract<FakeReply, { kind: 'text' | 'tool-calls' }>; afterChunks: number }
  /** send `data: {not json` after `afterChunks` valid chunks (role chunk, then text pieces; default 0) */
  | { kind: 'malformed'; afterChunks?: number }
  /** send 200 + headers, then nothing until the client goes away or the server closes */
  | { kind: 'hang' };

export interface RecordedRequest {
  /** the parsed JSON body the SDK sent (model, messages, tools, stream, stream_options, temperature...) */
  body: any;
  headers: IncomingHttpHeaders;
  /** resolves when the client closed the connection before the server finished its reply */
  clientClosed: Promise<void>;
  /** true once the client closed early */
  readonly closedByClient: boolean;
}

type StreamableReply = Extract<FakeReply, { kind: 'text' | 'tool-calls' }>;
type Chunk = Record<string, unknown>;
type Waiter = { n: number; resolve: (r: RecordedRequest) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

const COMPLETIONS_PATHS = new Set(['/v1/chat/completions', '/chat/completions']);

export class FakeOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests refused the way OpenAI refuses a strict tool schema it cannot enforce, by message. */
  readonly rejected: string[] = [];
  private readonly queue: FakeReply[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly sockets = new Set<Socket>();
  /** aborted when a response's connection closes, so in-flight replies stop writing and clear their timers */
  private readonly inFlight = new Set<AbortController>();
  private closing?: Promise<void>;

  private constructor(
    private readonly server: Server,
    readonly baseURL: string,
    private readonly defaultReply?: FakeReply | ((req: RecordedRequest) => FakeReply),
  ) {}

  static async start(options: { defaultReply?: FakeReply | ((req: RecordedRequest) => FakeReply) } = {}): Promise<FakeOpenAIServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeOpenAIServer(server, `http://127.0.0.1:${port}/v1`, options.defaultReply);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  waitForRequest(n: number, timeoutMs = 2000): Promise<RecordedRequest> {
    const arrived = this.requests[n];
    if (arrived) return Promise.resolve(arrived);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`fake server: request #${n} did not arrive within ${timeoutMs}ms (got ${this.requests.length})`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.rejected.length = 0;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('fake server: closed'));
      }
      this.waiters.clear();
      for (const ac of this.inFlight) ac.abort();
      this.server.close((err) => (err ? reject(err) : resolve()));
      // Streaming and keep-alive sockets would otherwise keep server.close() waiting forever.
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || !COMPLETIONS_PATHS.has(path)) {
        sendJson(res, 404, errorBody(`fake server: no route for ${req.method} ${path}`, 'invalid_request_error', null));
        return;
      }
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, errorBody('fake server: request body is not JSON', 'invalid_request_error', null));
        return;
      }
      const strictProblem = strictToolProblem(body.tools);
      if (strictProblem) {
        this.rejected.push(strictProblem.message);
        sendJson(res, 400, { error: { message: strictProblem.message, type: 'invalid_request_error', param: strictProblem.param, code: 'invalid_function_parameters' } });
        return;
      }

      const ac = new AbortController();
      this.inFlight.add(ac);
      let closedByClient = false;
      let markClosed!: () => void;
      const clientClosed = new Promise<void>((resolve) => (markClosed = resolve));
      const record: RecordedRequest = {
        body,
        headers: req.headers,
        clientClosed,
        get closedByClient() {
          return closedByClient;
        },
      };
      res.on('close', () => {
        this.inFlight.delete(ac);
        // A close we caused ourselves (cut, close()) aborts first, so it is not counted as the client going away.
        if (!res.writableFinished && !ac.signal.aborted) {
          closedByClient = true;
          markClosed();
        }
        ac.abort();
      });
      this.record(record);

      const reply = this.queue.shift() ?? this.fallback(record);
      await respond(reply, body, res, ac);
    } catch (err) {
      // Never let a scripting bug become an unhandled rejection; fail the HTTP exchange instead.
      if (!res.headersSent) sendJson(res, 500, errorBody(`fake server: ${String(err)}`, 'server_error', null));
      else res.destroy();
    }
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    const n = this.requests.length - 1;
    for (const waiter of this.waiters) {
      if (waiter.n !== n) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(request);
    }
  }

  private fallback(request: RecordedRequest): FakeReply {
    const fallback = typeof this.defaultReply === 'function' ? this.defaultReply(request) : this.defaultReply;
    return (
      fallback ?? {
        kind: 'error',
        status: 500,
        body: errorBody(`fake server: no scripted reply for request #${this.requests.length - 1}`, 'server_error', null),
      }
    );
  }
}

async function respond(reply: FakeReply, body: any, res: ServerResponse, ac: AbortController): Promise<void> {
  const stream = body?.stream === true;
  const signal = ac.signal;
  switch (reply.kind) {
    case 'error': {
      const payload = reply.body ?? errorBody(`fake server: scripted ${reply.status} error`, errorType(reply.status), errorCode(reply.status));
      sendJson(res, reply.status, payload, reply.headers);
      return;
    }
    case 'hang':
      res.writeHead(200, stream ? sseHeaders() : { 'content-type': 'application/json' });
      res.flushHeaders();
      await untilAborted(signal);
      return;
    case 'cut':
      if (stream) {
        await writeSse(res, buildChunks(reply.reply, body).slice(0, reply.afterChunks), reply.reply.delayMs ?? 0, signal);
      }
      ac.abort();
      res.destroy();
      return;
    case 'malformed': {
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{not json');
        return;
      }
      const count = reply.afterChunks ?? 0;
      const valid = buildChunks({ kind: 'text', text: Array.from({ length: count }, (_, i) => `piece ${i}`) }, body);
      await writeSse(res, valid.slice(0, count), 0, signal);
      if (signal.aborted) return;
      res.end('data: {not json\n\n');
      return;
    }
    case 'text':
    case 'tool-calls':
      if (stream) {
        await writeSse(res, buildChunks(reply, body), reply.delayMs ?? 0, signal);
        if (!signal.aborted) res.end('data: [DONE]\n\n');
      } else {
        await pause(reply.delayMs ?? 0, signal);
        if (!signal.aborted) sendJson(res, 200, buildCompletion(reply, body));
      }
      return;
  }
}

/** Writes one chunk per write and yields to the event loop in between, so each leaves as its own TCP write. */
async function writeSse(res: ServerResponse, chunks: Chunk[], delayMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  res.writeHead(200, sseHeaders());
  res.flushHeaders();
  for (const chunk of chunks) {
    if (signal.aborted) return;
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    await pause(delayMs, signal);
  }
}

/** The full chunk sequence OpenAI would send for this reply, before `data: [DONE]`. */
function buildChunks(reply: StreamableReply, body: any): Chunk[] {
  const includeUsage = body?.stream_options?.include_usage === true;
  const base = {
    id: `chatcmpl-${randomId()}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body?.model ?? 'fake-model',
    system_fingerprint: 'fp_fake',
  };
  // With include_usage OpenAI sends `usage: null` on every choice chunk; without it the field is absent.
  const chunk = (delta: Chunk, finishReason: string | null = null): Chunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });

  const deltas: Chunk[] = [{ role: 'assistant', content: '', refusal: null }];
  const reasoningField = reply.reasoningField ?? 'reasoning_content';
  for (const piece of reply.reasoning ?? []) deltas.push({ [reasoningField]: piece });
  for (const piece of pieces(reply.text)) deltas.push({ content: piece });
  if (reply.kind === 'tool-calls') deltas.push(...toolCallDeltas(reply));

  const chunks = deltas.map((delta) => chunk(delta));
  chunks.push(chunk({}, reply.kind === 'tool-calls' ? 'tool_calls' : 'stop'));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: reply.usage ?? estimateUsage(reply, body) });
  return chunks;
}

function toolCallDeltas(reply: Extract<FakeReply, { kind: 'tool-calls' }>): Chunk[] {
  const perCall = reply.calls.map((call, index) => [
    { tool_calls: [{ index, id: callId(call), type: 'function', function: { name: call.name, arguments: '' } }] },
    ...pieces(call.args).map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
  ]);
  if (!reply.interleave) return perCall.flat();
  // Round-robin: every call's header first, then one argument piece of each call in turn.
  const out: Chunk[] = [];
  for (let round = 0; round < Math.max(...perCall.map((c) => c.length)); round++) {
    for (const call of perCall) if (round < call.length) out.push(call[round]);
  }
  return out;
}

function buildCompletion(reply: StreamableReply, body: any): Chunk {
  const text = pieces(reply.text).join('');
  const message: Chunk = { role: 'assistant', content: text || null, refusal: null };
  if (reply.reasoning) message[reply.reasoningField ?? 'reasoning_content'] = reply.reasoning.join('');
  if (reply.kind === 'tool-calls') {
    message.tool_calls = reply.calls.map((call) => ({
      id: callId(call),
      type: 'function',
      function: { name: call.name, arguments: pieces(call.args).join('') },
    }));
  }
  return {
    id: `chatcmpl-${randomId()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body?.model ?? 'fake-model',
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.kind === 'tool-calls' ? 'tool_calls' : 'stop' }],
    usage: reply.usage ?? estimateUsage(reply, body),
  };
}

/** Roughly four characters per token, enough for code that only sums or displays usage. */
function estimateUsage(reply: StreamableReply, body: any): FakeUsage {
  const tokens = (s: string) => Math.ceil(s.length / 4);
  let output = pieces(reply.text).join('') + (reply.reasoning ?? []).join('');
  if (reply.kind === 'tool-calls') for (const call of reply.calls) output += call.name + pieces(call.args).join('');
  const prompt_tokens = tokens(JSON.stringify(body?.messages ?? []));
  const completion_tokens = tokens(output);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function callId(call: FakeToolCall): string {
  return call.id ?? `call_${randomId()}`;
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function errorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function errorCode(status: number): string | null {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'invalid_api_key';
  return null;
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${randomId()}`, ...headers });
  res.end(JSON.stringify(payload));
}

function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_${randomId()}` };
}

function pieces(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function randomId(): string {
  return randomBytes(12).toString('hex');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits `ms` (or one setImmediate turn when 0), returning early, timer cleared, if the response is aborted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    let cancel: () => void;
    if (ms > 0) {
      const timer = setTimeout(done, ms);
      cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(done);
      cancel = () => clearImmediate(immediate);
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
