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
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const logger = new Logger('Example');
  logger.log(`AG-UI endpoint: POST ${url}/agents/support   (agents and tools: GET ${url}/agents)`);
  logger.log(
    `Try: TOKEN=$(curl -s ${url}/auth/login -H 'content-type: application/json' -d '{"username":"alice","password":"alice-demo"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
  );
  logger.log(
    `then: curl -N ${url}/agents/support -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' ` +
      `-d '{"threadId":"t1","runId":"r1","messages":[{"id":"m1","role":"user","content":"show me my orders"}]}'`,
  );
}

void bootstrap();
