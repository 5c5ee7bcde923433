import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException, UseGuards, mixin, type INestApplication, type Type } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AgentTool, AgUiModule, type AgentRunContext } from 'nestjs-ag-ui';
import { AgentRunRefusedError, ScriptedChatModel, reply, runAgentDirectly, runAgentOverHttp } from 'nestjs-ag-ui/testing';

/** Stands in for @nestjs/jwt's JwtService: only the app's AuthModule has it. */
@Injectable()
class JwtService {
  verify(token: string | undefined): { sub: string } {
    if (token !== 'Bearer real') throw new UnauthorizedException('A valid token is required');
    return { sub: 'alice' };
  }
}

/** The app's guard: refuses without a real token, and needs JwtService. */
@Injectable()
class JwtAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    request.user = this.jwt.verify(request.headers.authorization);
    return true;
  }
}

/** Provides the guard without exporting it: AgUiModule must still find it, with its JwtService. */
@Module({ providers: [JwtService, JwtAuthGuard] })
class AuthModule {}

/** Like @nestjs/passport's AuthGuard(name): a memoized mixin the app provides nowhere. */
const guardsByName = new Map<string, Type<CanActivate>>();
function AuthGuard(name: string): Type<CanActivate> {
  let guard = guardsByName.get(name);
  if (!guard) {
    class MixinAuthGuard implements CanActivate {
      canActivate(): boolean {
        throw new UnauthorizedException(`The ${name} strategy refused`);
      }
    }
    guard = mixin(MixinAuthGuard);
    guardsByName.set(name, guard);
  }
  return guard;
}

/** A test's stand-in guard: the user comes from a header, as a fake token would. */
const userFromHeader: CanActivate = {
  canActivate: (context: ExecutionContext) => {
    const request = context.switchToHttp().getRequest();
    request.user = { sub: request.headers['x-test-user'] ?? 'tester' };
    return true;
  },
};

@Injectable()
class WeatherTools {
  readonly seenBy: string[] = [];

  @AgentTool({
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  })
  getWeather(args: { city: string }, ctx: AgentRunContext) {
    this.seenBy.push((ctx.user as { sub: string }).sub);
    ctx.setState({ ...ctx.state, lastCity: args.city });
    return { city: args.city, sky: 'sunny', celsius: 21 };
  }

  @AgentTool({
    description: 'Book a flight (asks the user first)',
    parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'], additionalProperties: false },
    approval: true,
  })
  bookFlight(args: { to: string }) {
    return { booked: args.to };
  }
}

const AGENT = { id: 'assistant', instructions: 'You answer weather questions.', model: 'test-model' };

async function compile(model: ScriptedChatModel, guards: Type<CanActivate>[], override: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b, imports: Type<unknown>[] = [AuthModule]) {
  return override(
    Test.createTestingModule({
      imports: [...imports, AgUiModule.forRoot({ agents: [AGENT], chatModel: model, guards })],
      providers: [WeatherTools],
    }),
  ).compile();
}

describe('nestjs-ag-ui/testing, as a user tests an agent', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('runs over HTTP with headers, through a guard overridden for the test, and shows what the model was sent', async () => {
    const model = new ScriptedChatModel([reply.text('Let me check.').toolCall('getWeather', { city: 'Paris' }), reply.text('It is sunny in ', 'Paris', '.')]);
    const moduleRef = await compile(model, [JwtAuthGuard], (b) => b.overrideGuard(JwtAuthGuard).useValue(userFromHeader));
    app = moduleRef.createNestApplication({ logger: false });

    const run = await runAgentOverHttp(app, 'assistant', { message: 'Weather in Paris?', headers: { 'x-test-user': 'bob' }, state: { visits: 1 } });

    expect(run.text).toBe('Let me check.It is sunny in Paris.');
    expect(run.toolCall('getWeather')).toMatchObject({ args: { city: 'Paris' }, resultValue: { city: 'Paris', sky: 'sunny', celsius: 21 } });
    expect(run.state).toEqual({ visits: 1, lastCity: 'Paris' });
    expect(run.error).toBeUndefined();
    expect(run.interrupts).toEqual([]);
    expect(moduleRef.get(WeatherTools).seenBy).toEqual(['bob']);

    expect(model.requests).toHaveLength(2);
    expect(model.request(0)).toMatchObject({ model: 'test-model', instructions: 'You answer weather questions.' });
    expect(model.toolsOffered(0)).toEqual(['getWeather', 'bookFlight']);
    expect(model.lastUserText(0)).toBe('Weather in Paris?');
    // The second turn sees the call and its result.
    expect(model.request(1).messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: run.toolCall('getWeather').id, content: expect.stringContaining('sunny') });
    model.expectDone();
  });

  it('runs directly with a user, through an interrupt and its resume', async () => {
    const model = new ScriptedChatModel([reply.toolCall('bookFlight', { to: 'Rome' }), reply.text('Booked.')]);
    const moduleRef = await compile(model, [JwtAuthGuard]);

    const first = await runAgentDirectly(moduleRef, 'assistant', { message: 'Fly me to Rome', user: { sub: 'carol' }, threadId: 'trip' });
    expect(first.interrupts).toHaveLength(1);
    expect(first.toolCall('bookFlight').result).toBeUndefined();

    // Someone else cannot answer it: refused before any event, with the status HTTP would give.
    const stranger = runAgentDirectly(moduleRef, 'assistant', { user: { sub: 'mallory' }, threadId: 'trip' });
    await expect(stranger).rejects.toBeInstanceOf(AgentRunRefusedError);
    await expect(stranger).rejects.toMatchObject({ status: 403 });

    const resumed = await runAgentDirectly(moduleRef, 'assistant', {
      user: { sub: 'carol' },
      threadId: 'trip',
      resume: [{ interruptId: first.interrupts[0]!.id, status: 'resolved', payload: { approved: true } }],
    });
    expect(resumed.toolResults).toEqual([{ toolCallId: first.toolCall('bookFlight').id, content: '{"booked":"Rome"}', value: { booked: 'Rome' } }]);
    expect(model.lastRequest.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: first.toolCall('bookFlight').id });
    expect(resumed.text).toBe('Booked.');
    model.expectDone();
    await moduleRef.close();
  });

  it('a scripted provider failure and a script that ran out both end as RUN_ERROR, saying why', async () => {
    const model = new ScriptedChatModel([reply.error('MODEL_AUTH_FAILED', { message: 'bad key' })]);
    const moduleRef = await compile(model, [JwtAuthGuard]);
    const failed = await runAgentDirectly(moduleRef, 'assistant', { message: 'hi', user: { sub: 'a' } });
    expect(failed.error).toMatchObject({ code: 'MODEL_AUTH_FAILED', message: 'bad key' });
    const overdrawn = await runAgentDirectly(moduleRef, 'assistant', { message: 'again', user: { sub: 'a' } });
    expect(overdrawn.error?.message).toMatch(/^ScriptedChatModel ran out of turns/);
    expect(() => model.expectDone()).toThrow('1 more than there were scripted turns');
    await moduleRef.close();
  });

  it('a retryable failure before any chunk is retried, and the retry takes the next turn', async () => {
    const model = new ScriptedChatModel([reply.error('MODEL_UNAVAILABLE'), reply.text('Recovered.')]);
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [AGENT], chatModel: model, anonymous: true, retry: { initialDelayMs: 1, maxDelayMs: 5 } })],
    }).compile();
    const run = await runAgentDirectly(moduleRef, 'assistant', { message: 'hi' });
    expect(run.text).toBe('Recovered.');
    expect(model.requests).toHaveLength(2);
    model.expectDone();
    await moduleRef.close();
  });

  it('a refusal over HTTP throws with the status and body', async () => {
    const moduleRef = await compile(new ScriptedChatModel(), [JwtAuthGuard]);
    app = moduleRef.createNestApplication({ logger: false });
    const refused = await runAgentOverHttp(app, 'assistant', { message: 'hi' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AgentRunRefusedError);
    expect(refused).toMatchObject({ status: 401, body: { message: 'A valid token is required' } });
  });
});

describe('overrideGuard on the guards of forRoot', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(guards: Type<CanActivate>[], override?: (builder: TestingModuleBuilder) => TestingModuleBuilder, imports?: Type<unknown>[]) {
    app = (await compile(new ScriptedChatModel([reply.text('ok')]), guards, override, imports)).createNestApplication({ logger: false });
    return app;
  }

  const status = (run: Promise<unknown>) => run.then(() => 200, (error: AgentRunRefusedError) => error.status);

  it('without an override, the guard the app provides is its provider, with its JwtService', async () => {
    await start([JwtAuthGuard]);
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(401);
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi', headers: { authorization: 'Bearer real' } }))).toBe(200);
  });

  it('useValue replaces a guard the app provides in its AuthModule', async () => {
    await start([JwtAuthGuard], (b) => b.overrideGuard(JwtAuthGuard).useValue(userFromHeader));
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(200);
  });

  it('useValue replaces a mixin guard the app provides nowhere (AuthGuard(name), memoized)', async () => {
    await start([AuthGuard('jwt')], undefined, []);
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(401);
    await app!.close();
    await start([AuthGuard('jwt')], (b) => b.overrideGuard(AuthGuard('jwt')).useValue(userFromHeader), []);
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(200);
  });

  it('useClass builds the replacement instead', async () => {
    @Injectable()
    class LetEveryoneIn implements CanActivate {
      canActivate(context: ExecutionContext) {
        context.switchToHttp().getRequest().user = { sub: 'guest' };
        return true;
      }
    }
    await start([JwtAuthGuard], (b) => b.overrideGuard(JwtAuthGuard).useClass(LetEveryoneIn));
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(200);
  });

  it('a guard also applied by the decorators option stays on the controller (its registration is shared, not released)', async () => {
    @Injectable()
    class CountingGuard implements CanActivate {
      static calls = 0;
      canActivate() {
        CountingGuard.calls++;
        return true;
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [AGENT], chatModel: new ScriptedChatModel([reply.text('ok')]), anonymous: true, guards: [CountingGuard], decorators: [UseGuards(CountingGuard)] })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await runAgentOverHttp(app, 'assistant', { message: 'hi' });
    // Once through AgUiGuard, once as the controller's own guard.
    expect(CountingGuard.calls).toBe(2);
  });

  it('useFactory makes the replacement, and a refusing stand-in refuses', async () => {
    await start([AuthGuard('jwt')], (b) => b.overrideGuard(AuthGuard('jwt')).useFactory({ factory: () => ({ canActivate: () => false }) }), []);
    expect(await status(runAgentOverHttp(app!, 'assistant', { message: 'hi' }))).toBe(403);
  });
});
