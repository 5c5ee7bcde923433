import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fastify, type FastifyInstance } from 'fastify';
import { nodeExchangeOf, type NodeExchange } from './platform-exchange.js';

/** What the handler saw, and the response the client got once the handler wrote through takeResponse(). */
async function exchangeOn(listen: (handle: (exchange: NodeExchange) => void) => Promise<{ url: string; close: () => Promise<void> }>) {
  let seen!: { exchange: NodeExchange; response: ServerResponse };
  const server = await listen((exchange) => {
    const response = exchange.takeResponse();
    seen = { exchange, response };
    response.setHeader('content-type', 'text/plain');
    response.end('written to node');
  });
  try {
    const answer = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    return { seen, status: answer.status, headers: answer.headers, text: await answer.text() };
  } finally {
    await server.close();
  }
}

describe('nodeExchangeOf', () => {
  it('on node (as Express hands them) gives the request and response themselves, and the body a parser left on the request', async () => {
    let node!: { req: IncomingMessage; res: ServerResponse };
    const result = await exchangeOn(async (handle) => {
      const server: Server = createServer((req, res) => {
        node = { req, res };
        Object.assign(req, { body: { parsed: true } });
        handle(nodeExchangeOf(req, res));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
    });
    expect(result.seen.exchange.req).toBe(node.req);
    expect(result.seen.response).toBe(node.res);
    expect(result.seen.exchange.body).toEqual({ parsed: true });
    expect(result.text).toBe('written to node');
  });

  it('on Fastify gives reply.raw with the headers set on the reply, hijacks the reply, and passes the body Fastify parsed', async () => {
    let app!: FastifyInstance;
    let hijacked: boolean | undefined;
    let raw!: { req: IncomingMessage; res: ServerResponse };
    const result = await exchangeOn(async (handle) => {
      app = fastify();
      app.post('/', (request, reply) => {
        reply.header('access-control-allow-origin', 'https://app.example');
        reply.header('content-type', 'application/json');
        handle(nodeExchangeOf(request, reply));
        hijacked = reply.sent;
        raw = { req: request.raw, res: reply.raw };
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `${url}/`, close: () => app.close() };
    });
    expect(hijacked).toBe(true);
    expect(result.seen.exchange.req).toBe(raw.req);
    expect(result.seen.response).toBe(raw.res);
    expect(result.status).toBe(200);
    expect(result.headers.get('access-control-allow-origin')).toBe('https://app.example');
    // What the writer sets afterwards wins over what the reply carried.
    expect(result.headers.get('content-type')).toBe('text/plain');
    expect(result.text).toBe('written to node');
    expect(result.seen.exchange.body).toEqual({ a: 1 });
    expect(result.seen.exchange.req.headers['content-type']).toBe('application/json');
  });
});
