import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  // Conversations outgrow Nest's default 100 kB JSON limit; match the module's 4 MiB.
  app.useBodyParser('json', { limit: '4mb' });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const url = `http://${host}:${port}`;
  const logger = new Logger('Example');
  logger.log(`AG-UI endpoint: POST ${url}/agents/support   (agents and tools: GET ${url}/agents)`);
  logger.log(
    `Try: curl -N ${url}/agents/support -H 'content-type: application/json' ` +
      `-d '{"threadId":"t1","runId":"r1","messages":[{"id":"m1","role":"user","content":"show me my orders"}]}'`,
  );
}

void bootstrap();
