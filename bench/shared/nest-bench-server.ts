import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { announceReady } from './bench-model.js';

/** Starts a Nest app (Express, logger at warn) on 127.0.0.1 as production would, and announces `<tag>_READY <url>`. */
export async function serveNestBench(module: Type<unknown>, tag: string, path: string): Promise<void> {
  const app = await NestFactory.create(module, { logger: ['warn', 'error'] });
  app.enableShutdownHooks();
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 60_000;
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  announceReady(tag, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
}
