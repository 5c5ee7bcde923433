/**
 * The floor the bench measures our NestJS module against: the same AG-UI agent (model turns,
 * the weather tool, up to 4 turns) written by hand on the openai SDK and the AG-UI encoder,
 * with no framework, no validation library and no extras. `baseline.server.ts` serves it on
 * node:http; `nest-floor.server.ts` mounts it in a bare Nest app.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import { OpenAI } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionTool } from 'openai/resources/chat/completions';
import { WEATHER_TOOL, weatherIn } from './weather.tool.js';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_TURNS = 4;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`bench: ${name} must be set\n`);
    process.exit(2);
  }
  return value;
}

const FAKE_MODEL_URL = requiredEnv('FAKE_MODEL_URL');
const BENCH_MODEL = requiredEnv('BENCH_MODEL');

const client = new OpenAI({ apiKey: 'bench', baseURL: FAKE_MODEL_URL, maxRetries: 0 });
const encoder = new EventEncoder();
const TOOLS: ChatCompletionTool[] = [{ type: 'function', function: WEATHER_TOOL }];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage & { body?: unknown }): Promise<unknown> {
  // Behind Nest, its body parser has read the body already.
  if (req.body !== undefined) return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
}

interface RunInput {
  threadId: string;
  runId: string;
  messages: unknown[];
}

function parseRunInput(body: unknown): RunInput {
  const input = body as Partial<RunInput> | null;
  if (typeof input !== 'object' || input === null) throw new HttpError(400, 'Body must be a JSON object');
  if (typeof input.threadId !== 'string' || typeof input.runId !== 'string' || !Array.isArray(input.messages)) {
    throw new HttpError(400, 'threadId, runId (strings) and messages (array) are required');
  }
  return input as RunInput;
}

interface AgUiMessage {
  role?: unknown;
  content?: unknown;
  toolCalls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  toolCallId?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  // Content parts: the bench only sends text, so other parts are simply left out.
  if (Array.isArray(content)) return content.map((part: { type?: string; text?: string }) => (part?.type === 'text' ? (part.text ?? '') : '')).join('');
  return '';
}

/** AG-UI history → Chat Completions, just enough for the bench's conversations. */
function toChatMessages(messages: unknown[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const raw of messages) {
    const message = raw as AgUiMessage | null;
    if (typeof message !== 'object' || message === null) throw new HttpError(400, 'Each message must be an object');
    switch (message.role) {
      case 'user':
        out.push({ role: 'user', content: textOf(message.content) });
        break;
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: textOf(message.content) });
        break;
      case 'assistant': {
        const toolCalls = Array.isArray(message.toolCalls) && message.toolCalls.length > 0 ? message.toolCalls : undefined;
        out.push({
          role: 'assistant',
          content: typeof message.content === 'string' ? message.content : null,
          ...(toolCalls
            ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.function.name, arguments: call.function.arguments } })) }
            : {}),
        });
        break;
      }
      case 'tool':
        if (typeof message.toolCallId === 'string') out.push({ role: 'tool', tool_call_id: message.toolCallId, content: textOf(message.content) });
        break;
      // reasoning, activity: UI-only, never sent to the model.
    }
  }
  return out;
}

function waitForDrainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

interface PendingCall {
  id: string;
  name: string;
  args: string;
}

async function runAgent(input: RunInput, history: ChatCompletionMessageParam[], res: ServerResponse, signal: AbortSignal): Promise<void> {
  const { threadId, runId } = input;
  const send = async (event: BaseEvent): Promise<void> => {
    if (res.destroyed) return;
    if (!res.write(encoder.encodeSSE(event))) await waitForDrainOrClose(res);
  };

  await send({ type: EventType.RUN_STARTED, threadId, runId, protocolVersion: '1.0' });

  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const messageId = randomUUID();
    let text = '';
    let textOpen = false;
    const calls = new Map<number, PendingCall>();

    const stream = await client.chat.completions.create(
      { model: BENCH_MODEL, messages: history, stream: true, stream_options: { include_usage: true }, tools: TOOLS },
      { signal },
    );
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (!delta) continue;
      if (delta.content) {
        if (!textOpen) {
          textOpen = true;
          await send({ type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant' });
        }
        text += delta.content;
        await send({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta: delta.content });
      }
      for (const callDelta of delta.tool_calls ?? []) {
        let call = calls.get(callDelta.index);
        if (!call) {
          call = { id: callDelta.id ?? randomUUID(), name: callDelta.function?.name ?? '', args: '' };
          calls.set(callDelta.index, call);
          await send({ type: EventType.TOOL_CALL_START, toolCallId: call.id, toolCallName: call.name, parentMessageId: messageId });
        }
        const piece = callDelta.function?.arguments;
        if (piece) {
          call.args += piece;
          await send({ type: EventType.TOOL_CALL_ARGS, toolCallId: call.id, delta: piece });
        }
      }
    }
    if (textOpen) await send({ type: EventType.TEXT_MESSAGE_END, messageId });
    for (const call of calls.values()) await send({ type: EventType.TOOL_CALL_END, toolCallId: call.id });
    if (calls.size === 0) break;

    const toolCalls: ChatCompletionMessageToolCall[] = [...calls.values()].map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.args },
    }));
    history.push({ role: 'assistant', content: text || null, tool_calls: toolCalls });
    for (const call of calls.values()) {
      const args = JSON.parse(call.args || '{}') as { city?: unknown };
      const content = JSON.stringify(call.name === WEATHER_TOOL.name ? weatherIn(String(args.city ?? '')) : { error: `Unknown tool ${call.name}` });
      await send({ type: EventType.TOOL_CALL_RESULT, messageId: randomUUID(), toolCallId: call.id, content, role: 'tool' });
      history.push({ role: 'tool', tool_call_id: call.id, content });
    }
  }

  await send({ type: EventType.RUN_FINISHED, threadId, runId });
}

/** Serves one run request; answers 404 for anything but `POST <path>`. */
export async function handleAgentRequest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (req.method !== 'POST' || req.url?.split('?', 1)[0] !== path) {
    sendJson(res, 404, { error: 'Not found' });
    return;
  }
  let input: RunInput;
  let history: ChatCompletionMessageParam[];
  try {
    input = parseRunInput(await readJson(req));
    history = toChatMessages(input.messages);
  } catch (error) {
    if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
    else res.destroy();
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  req.socket.setNoDelay(true);
  const abort = new AbortController();
  // Also fires after a normal end, when aborting a finished request is a no-op.
  res.once('close', () => abort.abort());

  try {
    await runAgent(input, history, res, abort.signal);
  } catch (error) {
    // The client left: nobody to tell.
    if (abort.signal.aborted || res.destroyed) return;
    const message = error instanceof Error ? error.message : 'The run failed';
    if (!res.write(encoder.encodeSSE({ type: EventType.RUN_ERROR, message }))) await waitForDrainOrClose(res);
  }
  res.end();
}
