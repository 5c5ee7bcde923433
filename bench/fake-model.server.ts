/**
 * A fast fake of the OpenAI Chat Completions streaming API. The scenario comes from the model
 * name (see shared/bench-model.ts), so the servers under test need no bench-specific code.
 * It must stay cheap: every cycle it burns is taken from the servers it is measuring.
 *
 * Run: PORT=0 node dist/bench/fake-model.server.js  →  prints `FAKE_MODEL_READY http://127.0.0.1:<port>/v1`
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseBenchModel, type BenchModel } from './shared/bench-model.js';
import { serveBench } from './shared/bench-server.js';
import { WEATHER_TOOL } from './shared/weather.tool.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CACHE_LIMIT = 256;

type ReplyKind = 'text' | 'tool';

/** A whole reply, pre-encoded down to `[DONE]`: `frames[bodyStart..bodyEnd)` are the paced ones. */
interface Reply {
  /** With the usage chunk, for requests that set `stream_options.include_usage`. */
  withUsage: Buffer[];
  withoutUsage: Buffer[];
  bodyStart: number;
  bodyEnd: number;
}

const DONE = Buffer.from('data: [DONE]\n\n');
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

function buildReply(modelName: string, model: BenchModel, kind: ReplyKind): Reply {
  // A fixed id: the SDK never looks at it, and a fixed one lets the frames be reused as-is.
  const id = `chatcmpl-bench-${kind}`;
  const created = Math.floor(Date.now() / 1000);
  const frame = (body: object): Buffer => Buffer.from(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, ...body })}\n\n`);
  const choice = (delta: object, finishReason: string | null) => frame({ choices: [{ index: 0, delta, finish_reason: finishReason }] });

  const body: Buffer[] = [];
  if (kind === 'tool') {
    body.push(
      choice({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: WEATHER_TOOL.name, arguments: '' } }] }, null),
    );
    for (const piece of ['{"city"', ':"Ber', 'lin', '"}']) {
      body.push(choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
    }
  } else {
    for (let i = 0; i < model.tokens; i++) body.push(choice({ content: ` word${i}` }, null));
  }
  const completionTokens = kind === 'tool' ? 5 : model.tokens;
  const promptTokens = 20;
  const frames = [choice({ role: 'assistant', content: '' }, null), ...body, choice({}, kind === 'tool' ? 'tool_calls' : 'stop')];
  const usage = frame({ choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } });
  return { withUsage: [...frames, usage, DONE], withoutUsage: [...frames, DONE], bodyStart: 1, bodyEnd: 1 + body.length };
}

const replies = new Map<string, Reply>();

function replyFor(modelName: string, model: BenchModel, kind: ReplyKind): Reply {
  const key = `${modelName}|${kind}`;
  let reply = replies.get(key);
  if (!reply) {
    // Only a misbehaving client sends many distinct names; do not let it grow memory forever.
    if (replies.size >= CACHE_LIMIT) replies.clear();
    reply = buildReply(modelName, model, kind);
    replies.set(key, reply);
  }
  return reply;
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', code: null } });
}

/** One frame per event-loop turn, or `paceMs` between body frames; waits for `drain`; stops on close. */
function streamReply(res: ServerResponse, reply: Reply, paceMs: number, withUsage: boolean): void {
  const frames = withUsage ? reply.withUsage : reply.withoutUsage;
  let next = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  res.on('close', () => {
    closed = true;
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  });

  const schedule = (): void => {
    if (closed) return;
    if (paceMs > 0 && next > reply.bodyStart && next < reply.bodyEnd) timer = setTimeout(writeNext, paceMs);
    else immediate = setImmediate(writeNext);
  };

  function writeNext(): void {
    timer = undefined;
    immediate = undefined;
    if (closed) return;
    const frame = frames[next++];
    if (next === frames.length) {
      res.end(frame);
      return;
    }
    if (res.write(frame)) schedule();
    else res.once('drain', schedule);
  }

  res.writeHead(200, SSE_HEADERS);
  writeNext();
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

interface ChatRequest {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
  messages?: unknown;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = req.url?.split('?', 1)[0];
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
    apiError(res, 404, `No route for ${req.method} ${path}`);
    return;
  }
  const raw = await readBody(req);
  if (!raw) {
    apiError(res, 413, 'Request body too large');
    return;
  }
  let request: ChatRequest;
  let model: BenchModel;
  try {
    request = JSON.parse(raw.toString('utf8')) as ChatRequest;
    if (typeof request !== 'object' || request === null) throw new Error('The body must be a JSON object');
    if (typeof request.model !== 'string') throw new Error('`model` must be a string');
    if (request.stream !== true) throw new Error('Only `stream: true` is supported');
    model = parseBenchModel(request.model);
  } catch (error) {
    apiError(res, 400, error instanceof Error ? error.message : 'Bad request');
    return;
  }
  const messages = Array.isArray(request.messages) ? (request.messages as Array<{ role?: unknown } | null>) : [];
  const answeringToolResult = messages.at(-1)?.role === 'tool';
  const kind: ReplyKind = model.tool && !answeringToolResult ? 'tool' : 'text';
  streamReply(res, replyFor(request.model as string, model, kind), model.paceMs, request.stream_options?.include_usage === true);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    // Only a broken request gets here (body read failed): nothing sensible to answer.
    res.destroy();
  });
});
serveBench(server, 'FAKE_MODEL', '/v1');
