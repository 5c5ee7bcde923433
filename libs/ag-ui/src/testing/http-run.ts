import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { AgentRunRefusedError } from './agent-run-refused.error.js';
import { AgentRunResult } from './agent-run.result.js';
import { checkRunEvents } from './run-events.check.js';
import { buildRunInput, type RunAgentOptions } from './run-options.js';
import { parseSse } from './sse.parser.js';

export interface HttpRunOptions extends RunAgentOptions {
  /** Request headers, e.g. `{ authorization: 'Bearer …' }` for the app's guards. */
  headers?: Record<string, string>;
  /** The route prefix: forRoot's `path` (default `agents`), after the app's global prefix if it has one (`api/agents`). */
  path?: string;
  signal?: AbortSignal;
}

/**
 * Runs an agent of a Nest app over HTTP, as a client would: `POST /{path}/{agentId}` with the
 * headers given, the SSE answer parsed and its events checked (see checkRunEvents). An app that is
 * not listening yet is started on a free port of 127.0.0.1; closing it stays the test's job.
 * A refusal before the stream (401, 403, 400…) throws an AgentRunRefusedError with its status and body.
 */
export async function runAgentOverHttp(app: INestApplication, agentId: string, options: HttpRunOptions = {}): Promise<AgentRunResult> {
  const input = buildRunInput(options);
  const path = (options.path ?? 'agents').replace(/^\/+|\/+$/g, '');
  const response = await fetch(`${await baseUrl(app)}/${path ? `${path}/` : ''}${encodeURIComponent(agentId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers },
    body: JSON.stringify(input),
    signal: options.signal,
  });
  const body = await response.text();
  if (response.status !== 200) throw new AgentRunRefusedError(response.status, parseJson(body));
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) throw new Error(`Expected an event stream from ${agentId}, got ${type || 'no content type'}: ${body.slice(0, 200)}`);
  const events = parseSse(body);
  if (options.check !== false) await checkRunEvents(events, { threadId: input.threadId, runId: input.runId });
  return new AgentRunResult(input, events);
}

async function baseUrl(app: INestApplication): Promise<string> {
  const server = app.getHttpServer() as { listening?: boolean; address(): AddressInfo | string | null };
  if (!server.listening) await app.listen(0, '127.0.0.1');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`runAgentOverHttp needs an app listening on TCP, not ${address ?? 'nothing'}`);
  // A server bound to every interface is reached on loopback.
  const host = address.address === '::' || address.address === '0.0.0.0' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
