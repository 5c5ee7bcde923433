// Testing an agent with Jest (a Nest 11 app: CommonJS, ts-jest). See docs/testing.md.
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AgentTool, AgUiModule } from 'nestjs-ag-ui';
import { AgentRunRefusedError, ScriptedChatModel, reply, runAgentDirectly, runAgentOverHttp } from 'nestjs-ag-ui/testing';

/** The app's guard (in a real app it would verify a JWT): the test replaces it. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    if (request.headers['x-api-key'] !== 'the-real-key') throw new UnauthorizedException();
    request.user = { id: 'service' };
    return true;
  }
}

/** The app's tools. */
@Injectable()
class WeatherTools {
  @AgentTool({
    description: 'The current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  })
  getWeather(args: { city: string }) {
    return { city: args.city, sky: 'sunny', celsius: 21 };
  }
}

describe('weather agent', () => {
  let app: INestApplication;
  let model: ScriptedChatModel;

  beforeEach(async () => {
    // What the model answers, turn by turn: first a tool call, then text once it has the result.
    model = new ScriptedChatModel([reply.toolCall('getWeather', { city: 'Paris' }), reply.text('It is sunny in Paris, ', '21 °C.')]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        AgUiModule.forRoot({
          agents: [{ id: 'weather', instructions: 'Answer weather questions.' }],
          chatModel: model,
          guards: [ApiKeyGuard],
        }),
      ],
      providers: [WeatherTools],
    })
      // The guard as a test wants it: every request is Alice's.
      .overrideGuard(ApiKeyGuard)
      .useValue({
        canActivate: (context: ExecutionContext) => {
          context.switchToHttp().getRequest().user = { id: 'alice' };
          return true;
        },
      })
      .compile();
    app = moduleRef.createNestApplication();
  });

  afterEach(async () => {
    await app.close();
  });

  it('calls the tool and answers with its result, over HTTP', async () => {
    const run = await runAgentOverHttp(app, 'weather', { message: 'What is the weather in Paris?', headers: { authorization: 'Bearer test' } });

    expect(run.toolCall('getWeather').args).toEqual({ city: 'Paris' });
    expect(run.toolCall('getWeather').resultValue).toEqual({ city: 'Paris', sky: 'sunny', celsius: 21 });
    expect(run.text).toBe('It is sunny in Paris, 21 °C.');
    expect(run.error).toBeUndefined();

    // What the agent sent the model.
    expect(model.toolsOffered(0)).toEqual(['getWeather']);
    expect(model.lastUserText(0)).toBe('What is the weather in Paris?');
    const sent = model.lastRequest.messages;
    expect(sent[sent.length - 1]).toMatchObject({ role: 'tool', toolCallId: run.toolCall('getWeather').id });
    model.expectDone();
  });

  it('runs in process with a user, without HTTP', async () => {
    const run = await runAgentDirectly(app, 'weather', { message: 'And in Paris?', user: { id: 'alice' } });
    expect(run.text).toBe('It is sunny in Paris, 21 °C.');
  });

  it('reports a provider failure as RUN_ERROR', async () => {
    const failing = new ScriptedChatModel([reply.error('MODEL_AUTH_FAILED', { message: 'The API key was refused' })]);
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'weather' }], chatModel: failing })],
    }).compile();
    const run = await runAgentDirectly(moduleRef, 'weather', { message: 'Hi', user: { id: 'alice' } });
    expect(run.error).toMatchObject({ code: 'MODEL_AUTH_FAILED', message: 'The API key was refused' });
    await moduleRef.close();
  });

  it('refuses a run without a user before anything streams', async () => {
    await expect(runAgentDirectly(app, 'weather', { message: 'Hi' })).rejects.toBeInstanceOf(AgentRunRefusedError);
  });
});
