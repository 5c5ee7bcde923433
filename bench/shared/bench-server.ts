import type { Server } from 'node:http';
import { announceReady } from './bench-model.js';

/**
 * Listens on 127.0.0.1 with the settings both plain bench servers share, announces `<tag>_READY
 * <url>` and exits cleanly on SIGTERM/SIGINT, cutting open streams: the bench is over by then.
 */
export function serveBench(server: Server, tag: string, path: string): void {
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.on('clientError', (_error, socket) => socket.destroy());
  server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', backlog: 4096 }, () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('Expected a TCP address');
    announceReady(tag, `http://127.0.0.1:${address.port}${path}`);
  });
  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
