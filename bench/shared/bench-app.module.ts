import { Injectable, Module } from '@nestjs/common';
import { AgentTool, AgUiModule } from 'nestjs-ag-ui';
import { WEATHER_TOOL, weatherIn } from './weather.tool.js';

/** The bench's tool as an app would write it: a provider method. */
@Injectable()
class WeatherTools {
  @AgentTool({ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.parameters })
  getWeather(args: { city: string }) {
    return weatherIn(args.city);
  }
}

/** The module's bench app, the same on either platform: AgUiModule and one @AgentTool. */
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
export class BenchAppModule {}
