import type { IncomingMessage, ServerResponse } from 'node:http';

/** Express's request is node's own; Fastify's wraps node's in `raw` and keeps the parsed body beside it. */
export type PlatformRequest = IncomingMessage | { raw: IncomingMessage; body?: unknown };

/** Express's response is node's own; Fastify's reply wraps node's in `raw`. */
export type PlatformResponse = ServerResponse | FastifyReplyLike;

/** The part of Fastify's reply used here, so that the library needs no Fastify types. */
interface FastifyReplyLike {
  raw: ServerResponse;
  getHeaders(): Record<string, number | string | readonly string[] | undefined>;
  hijack(): unknown;
}

/** Node's request and response under either platform, for code that must not know which one Nest runs on. */
export interface NodeExchange {
  /** Node's request: headers, socket, and the body stream when no parser read it. */
  readonly req: IncomingMessage;
  /** What the platform's body parser made of the body; undefined when none ran. */
  readonly body: unknown;
  /**
   * Node's response, for one writer alone. Call only once nothing can be refused any more: on
   * Fastify it hijacks the reply (Fastify sends nothing itself from then on, so an exception
   * could no longer become a 4xx) and carries the headers set on the reply (CORS, the app's
   * hooks and interceptors) onto the raw response, which otherwise would not send them.
   */
  takeResponse(): ServerResponse;
}

/**
 * The one place that knows the platforms apart, once per request (nothing per event: the
 * writer gets node's response either way). Fastify's objects are told by their `raw`.
 */
export function nodeExchangeOf(request: PlatformRequest, response: PlatformResponse): NodeExchange {
  const req = 'raw' in request ? request.raw : request;
  const body = (request as { body?: unknown }).body;
  if (!('raw' in response)) return { req, body, takeResponse: () => response };
  return {
    req,
    body,
    takeResponse: () => {
      const headers = response.getHeaders();
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined) response.raw.setHeader(name, value);
      }
      response.hijack();
      return response.raw;
    },
  };
}
