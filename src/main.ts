import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { agUiBodyGate } from 'nestjs-ag-ui';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import { securityHeaders } from './security-headers.middleware.js';

/** The chat demo (web/), built by `npm run build:web` next to this file. */
const WEB_DIR = fileURLToPath(new URL('./web', import.meta.url));

/** Front ends on other origins that may call the API: CORS_ORIGINS (comma-separated), or Vite's dev server. */
function corsOrigins(): string[] {
  const configured = process.env.CORS_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173';
  return configured.split(',').map((origin) => origin.trim()).filter(Boolean);
}

async function bootstrap(): Promise<void> {
  // abortOnError off: a bad configuration (no JWT_SECRET in production) rejects, and is reported below.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { abortOnError: false });
  app.disable('x-powered-by');
  // Behind a TLS-terminating proxy set TRUST_PROXY=1: req.ip (per-IP login limits) and HSTS then follow its headers.
  const trustProxy = process.env.TRUST_PROXY === '1';
  if (trustProxy) app.set('trust proxy', 1);
  app.use(securityHeaders(trustProxy));
  // The agents' bodies are read by AgUiModule after its guards; Nest's parser (100 kB) keeps the other routes (login).
  app.use(agUiBodyGate());
  // A page on another origin sends the token in Authorization, so the preflight must allow that header.
  app.enableCors({ origin: corsOrigins(), methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'accept'] });
  // The chat page at `/`: static files answer only GETs of files that exist, so /agents and /auth still reach their routes.
  const demo = existsSync(join(WEB_DIR, 'index.html'));
  if (demo) app.useStaticAssets(WEB_DIR);
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const logger = new Logger('Example');
  logger.log(demo ? `Open ${url}/ for the chat demo` : 'No chat demo: build it with npm run build:web');
  logger.log(`AG-UI endpoint: POST ${url}/agents/support   (agents and tools: GET ${url}/agents)`);
  logger.log(
    `Try: TOKEN=$(curl -s ${url}/auth/login -H 'content-type: application/json' -d '{"username":"alice","password":"alice-demo"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
  );
  logger.log(
    `then: curl -N ${url}/agents/support -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' ` +
      `-d '{"threadId":"t1","runId":"r1","messages":[{"id":"m1","role":"user","content":"show me my orders"}]}'`,
  );
}

bootstrap().catch((error: unknown) => {
  new Logger('Example').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
