import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AgentTool, AgUiModule } from 'nestjs-ag-ui';
import { announceReady } from './shared/bench-model.js';
import { WEATHER_TOOL, weatherIn } from './shared/weather.tool.js';

/** The bench's tool as an app would write it: a provider method. */
@Injectable()
class WeatherTools {
  @AgentTool({ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.parameters })
  getWeather(args: { city: string }) {
    return weatherIn(args.city);
  }
}

@Module({
  imports: [
    AgUiModule.forRoot({
      agents: [{ id: 'bench', model: process.env.BENCH_MODEL ?? 'bench-t20-p0-tool0' }],
      openai: { apiKey: 'bench', baseURL: process.env.FAKE_MODEL_URL },
      // The bench measures the happy path: anonymous like the baseline, which has no auth either.
      anonymous: true,
    }),
  ],
  providers: [WeatherTools],
})
class BenchModule {}

/** The module's side of the bench: a Nest app with AgUiModule and one @AgentTool, run from compiled output. */
async function main(): Promise<void> {
  const app = await NestFactory.create(BenchModule, { logger: ['warn', 'error'] });
  app.enableShutdownHooks();
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 60_000;
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = server.address() as import('node:net').AddressInfo;
  announceReady('MODULE', `http://127.0.0.1:${address.port}/agents/bench`);
}

void main();
