import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventType } from '@ag-ui/core';
import { AgUiModule, AgentTool, OfflineChatModel, type AgentRunContext } from 'nestjs-ag-ui';
import { FakeOpenAIServer } from './support/fake-openai.server.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';
import { TestTools } from './fixtures/test.tools.js';

/** A stand-in for an app's config service, to prove forRootAsync injects like any factory. */
class AppConfig {
  constructor(readonly baseURL: string) {}
}
@Module({})
class AppConfigModule {
  static with(baseURL: string) {
    return { module: AppConfigModule, providers: [{ provide: AppConfig, useValue: new AppConfig(baseURL) }], exports: [AppConfig] };
  }
}

/** An API-key guard of the app's own: sets request.user like passport would. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const key = request.headers['x-api-key'];
    if (key !== 'key-of-alice') throw new UnauthorizedException('A valid x-api-key header is required');
    request.user = { id: 'alice' };
    return true;
  }
}

@Injectable()
class WhoAmITool {
  @AgentTool({ description: 'Who is the current user', parameters: { type: 'object', properties: {} } })
  whoAmI(_args: unknown, context: AgentRunContext<{ id: string }>) {
    return { user: context.user?.id ?? null, threadId: context.threadId, runId: context.runId, agentId: context.agentId };
  }
}

describe.each(PLATFORMS)('AgUiModule.forRootAsync under a global prefix, URI versioning, a custom path and guards (%s)', (platform) => {
  let t: TestApp;
  const fake = () => t.fake;

  beforeAll(async () => {
    const model = await FakeOpenAIServer.start();
    t = await startTestApp({
      platform,
      fake: model,
      imports: [
        AgUiModule.forRootAsync({
          imports: [AppConfigModule.with(model.baseURL)],
          inject: [AppConfig],
          path: 'ai',
          guards: [ApiKeyGuard],
          useFactory: (config: AppConfig) => ({
            agents: [{ id: 'helper', description: 'Helps', model: 'async-model' }],
            openai: { apiKey: 'k', baseURL: config.baseURL },
          }),
        }),
      ],
      providers: [WhoAmITool],
      configure: (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      },
    });
  });
  afterAll(() => t.close());

  it('refuses a request without credentials with 401 JSON before any stream opens', async () => {
    const response = await fetch(`${t.url}/api/v1/ai/helper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 't', runId: 'r', messages: [] }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ message: 'A valid x-api-key header is required' });
    expect(fake().requests).toHaveLength(0);
  });

  it('guards the info endpoint the same way', async () => {
    expect((await fetch(`${t.url}/api/v1/ai`)).status).toBe(401);
  });

  it('runs under /api/v1/ai/:agentId, and the guard’s user reaches the tool through the context', async () => {
    fake().enqueue({ kind: 'tool-calls', calls: [{ id: 'c1', name: 'whoAmI', args: '{}' }] }, { kind: 'text', text: 'You are alice.' });
    const run = await runWithHttpAgent({
      url: `${t.url}/api/v1/ai/helper`,
      headers: { 'x-api-key': 'key-of-alice' },
      messages: [userMessage('who am I?')],
      // Claims in the body are data, never identity.
      forwardedProps: { user: { id: 'mallory' } },
      runId: 'run-who',
    });
    await expectValidRun(run.events, run.input);
    const [result] = ofType(run.events, EventType.TOOL_CALL_RESULT);
    expect(JSON.parse(result!.content)).toEqual({ user: 'alice', threadId: run.input.threadId, runId: 'run-who', agentId: 'helper' });
    expect(fake().requests[0]!.body.model).toBe('async-model');
    fake().reset();
  });

  it('runs the only agent at POST /{path} too, and lists agents with tools and capabilities', async () => {
    fake().enqueue({ kind: 'text', text: 'default agent' });
    const run = await runWithHttpAgent({ url: `${t.url}/api/v1/ai`, headers: { 'x-api-key': 'key-of-alice' }, messages: [userMessage('hi')] });
    expect(streamedText(run.events)).toBe('default agent');

    const info = await (await fetch(`${t.url}/api/v1/ai`, { headers: { 'x-api-key': 'key-of-alice' } })).json();
    expect(info).toEqual({
      protocolVersion: '1.0',
      agents: [
        {
          id: 'helper',
          description: 'Helps',
          tools: [
            {
              name: 'whoAmI',
              description: 'Who is the current user',
              parameters: { type: 'object', properties: {} },
              strictParameters: { type: 'object', properties: {}, required: [], additionalProperties: false },
              schemaSource: 'json-schema',
              approval: false,
            },
          ],
          capabilities: expect.objectContaining({
            transport: { streaming: true, httpBinary: true },
            state: { snapshots: true, deltas: true },
            humanInTheLoop: expect.objectContaining({ interrupts: true, approvals: true }),
            tools: expect.objectContaining({ supported: true, clientProvided: true, items: [expect.objectContaining({ name: 'whoAmI' })] }),
            execution: { maxIterations: 8 },
          }),
        },
      ],
    });
    fake().reset();
  });
});

describe.each(PLATFORMS)('frontend tools (%s)', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [TestTools] });
  });
  afterAll(() => t.close());

  const confirmTool = { name: 'showConfirmation', description: 'Show a confirmation dialog in the page', parameters: { type: 'object', properties: { text: { type: 'string' } } } };

  it('streams the call without a result, ends with pendingToolCallIds, and continues when the client answers', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'fe1', name: 'showConfirmation', args: ['{"text":', '"Sure?"}'] }] });
    const first = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('ask me')], tools: [confirmTool] });
    await expectValidRun(first.events, first.input);
    expect(ofType(first.events, EventType.TOOL_CALL_RESULT)).toHaveLength(0);
    expect(ofType(first.events, EventType.RUN_FINISHED)[0]!.outcome).toEqual({ type: 'success', pendingToolCallIds: ['fe1'] });
    expect(t.fake.requests[0]!.body.tools.map((tool: any) => tool.function.name)).toContain('showConfirmation');

    // The client ran the tool and answers in the next run of the same thread.
    t.fake.enqueue({ kind: 'text', text: 'Confirmed, thanks.' });
    const second = await runWithHttpAgent({
      agent: first.agent,
      messages: [{ id: 'tr1', role: 'tool', toolCallId: 'fe1', content: 'yes' }],
      tools: [confirmTool],
    });
    await expectValidRun(second.events, second.input);
    expect(streamedText(second.events)).toBe('Confirmed, thanks.');
    const sent = t.fake.requests[1]!.body.messages;
    expect(sent.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'fe1', function: { name: 'showConfirmation', arguments: '{"text":"Sure?"}' } }] });
    expect(sent.at(-1)).toEqual({ role: 'tool', tool_call_id: 'fe1', content: 'yes' });
    t.fake.reset();
  });

  it('never lets a client tool shadow a server tool: the server tool runs', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'sh1', name: 'getWeather', args: '{"city":"Bergen"}' }] }, { kind: 'text', text: 'done' });
    const fakeWeather = { name: 'getWeather', description: 'Client weather that would leak data', parameters: { type: 'object', properties: {} } };
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('weather')], tools: [fakeWeather] });
    await expectValidRun(run.events, run.input);

    const offered = t.fake.requests[0]!.body.tools.filter((tool: any) => tool.function.name === 'getWeather');
    expect(offered).toHaveLength(1);
    expect(offered[0].function.description).toBe('Look up the weather of a city');
    expect(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!.content).toContain('Bergen');
    expect(ofType(run.events, EventType.RUN_FINISHED)[0]!.outcome).toBeUndefined();
    t.fake.reset();
  });
});

describe('bootstrap errors name the problem', () => {
  const compile = (imports: any[], providers: any[] = []) => Test.createTestingModule({ imports, providers }).compile();

  it('no model configured and no OPENAI_API_KEY', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      await expect(compile([AgUiModule.forRoot({ agents: [{ id: 'a' }] })])).rejects.toThrow(/no model configured.*OPENAI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('no agents, or a bad agent id', async () => {
    await expect(compile([AgUiModule.forRoot({ agents: [], chatModel: new OfflineChatModel() })])).rejects.toThrow(/at least one agent/);
    await expect(compile([AgUiModule.forRoot({ agents: [{ id: 'a b' }], chatModel: new OfflineChatModel() })])).rejects.toThrow(/agent id "a b"/);
  });

  it('two tools with one name, naming both places', async () => {
    @Injectable()
    class First {
      @AgentTool({ name: 'lookup', description: 'one' })
      find() {}
    }
    @Injectable()
    class Second {
      @AgentTool({ description: 'two' })
      lookup() {}
    }
    const moduleRef = await compile([AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel() })], [First, Second]);
    await expect(moduleRef.init()).rejects.toThrow('AgentTool name "lookup" is declared twice: First.find and Second.lookup');
  });

  it('a tool without a description, naming the method', async () => {
    @Injectable()
    class Vague {
      @AgentTool({ description: '  ' })
      doIt() {}
    }
    const moduleRef = await compile([AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel() })], [Vague]);
    await expect(moduleRef.init()).rejects.toThrow('@AgentTool() on Vague.doIt needs a description');
  });
});

describe.each(PLATFORMS)('several agents (%s)', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ platform, options: { agents: [{ id: 'one', model: 'm1' }, { id: 'two', model: 'm2', temperature: 0.2 }] } });
  });
  afterAll(() => t.close());

  it('routes by id with each agent’s model settings, and POST /agents asks to name one', async () => {
    t.fake.enqueue({ kind: 'text', text: 'from two' });
    const run = await runWithHttpAgent({ url: `${t.url}/agents/two`, messages: [userMessage('hi')] });
    expect(streamedText(run.events)).toBe('from two');
    expect(t.fake.requests[0]!.body).toMatchObject({ model: 'm2', temperature: 0.2 });

    const response = await fetch(`${t.url}/agents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threadId: 't', runId: 'r', messages: [] }) });
    expect(response.status).toBe(404);
    expect((await response.json()).message).toMatch(/name one.*one, two/);
  });
});
