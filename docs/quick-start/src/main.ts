// main.ts
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { agUiBodyGate } from 'nestjs-ag-ui';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.use(agUiBodyGate()); // AgUiModule reads its own bodies, after its guards
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
