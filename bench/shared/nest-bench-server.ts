import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { announceReady } from './bench-model.js';

/**
 * Starts a Nest app (Express unless told otherwise, logger at warn) on 127.0.0.1 as production
 * would, and announces `<tag>_READY <url>`.
 */
export async function serveNestBench(module: Type<unknown>, tag: string, path: string, platform: 'express' | 'fastify' = 'express'): Promise<void> {
  const logger = ['warn', 'error'] as const;
  let app: INestApplication;
  if (platform === 'fastify') {
    // Loaded only here, so the Express servers never load Fastify.
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    // Fastify's own keep-alive timeout, as the Express servers set node's below.
    app = await NestFactory.create(module, new FastifyAdapter({ keepAliveTimeout: 60_000 }), { logger: [...logger] });
  } else {
    app = await NestFactory.create(module, { logger: [...logger] });
  }
  app.enableShutdownHooks();
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 60_000;
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  announceReady(tag, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
}
