// main.ts
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.useBodyParser('json', { limit: '4mb' }); // conversations outgrow Nest's default 100 kB
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
