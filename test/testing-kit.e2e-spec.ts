import { CanActivate, ExecutionContext, Injectable, Module, UnauthorizedException, mixin, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AgUiModule, OfflineChatModel } from 'nestjs-ag-ui';

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

@Module({ providers: [JwtService, JwtAuthGuard] })
class AuthModule {}

/** Like @nestjs/passport's AuthGuard(name): a memoized mixin the app provides nowhere. */
const guardsByName = new Map<string, Type<CanActivate>>();
function AuthGuard(name: string): Type<CanActivate> {
  let guard = guardsByName.get(name);
  if (!guard) {
    class MixinAuthGuard implements CanActivate {
      canActivate(): boolean {
        throw new UnauthorizedException(`Strategy ${name} refused`);
      }
    }
    guard = mixin(MixinAuthGuard);
    guardsByName.set(name, guard);
  }
  return guard;
}

const asUser = (sub: string): CanActivate => ({
  canActivate: (context: ExecutionContext) => {
    context.switchToHttp().getRequest().user = { sub };
    return true;
  },
});

async function start(guards: Type<CanActivate>[], override: (builder: ReturnType<typeof Test.createTestingModule>) => ReturnType<typeof Test.createTestingModule>, imports: any[] = [AuthModule]) {
  const moduleRef = await override(
    Test.createTestingModule({ imports: [...imports, AgUiModule.forRoot({ agents: [{ id: 'assistant' }], chatModel: new OfflineChatModel({ tokenDelayMs: 0 }), guards })] }),
  ).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

async function post(app: INestApplication, headers: Record<string, string> = {}) {
  const response = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/agents/assistant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ threadId: 't1', runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'hi' }] }),
  });
  return { status: response.status, body: await response.text() };
}

describe('overrideGuard on the guards of forRoot', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('without an override the provided guard is the app provider, with its JwtService', async () => {
    app = await start([JwtAuthGuard], (b) => b);
    expect((await post(app)).status).toBe(401);
    expect((await post(app, { authorization: 'Bearer real' })).status).toBe(200);
  });

  it('useValue replaces a guard the app provides in its AuthModule', async () => {
    app = await start([JwtAuthGuard], (b) => b.overrideGuard(JwtAuthGuard).useValue(asUser('tester')));
    expect((await post(app)).status).toBe(200);
  });

  it('useValue replaces an unprovided mixin guard', async () => {
    app = await start([AuthGuard('jwt')], (b) => b.overrideGuard(AuthGuard('jwt')).useValue(asUser('tester')), []);
    expect((await post(app)).status).toBe(200);
  });

  it('without override the mixin guard refuses', async () => {
    app = await start([AuthGuard('jwt')], (b) => b, []);
    expect((await post(app)).status).toBe(401);
  });

  it('useClass', async () => {
    @Injectable()
    class AllowAll implements CanActivate {
      canActivate(context: ExecutionContext) {
        context.switchToHttp().getRequest().user = { sub: 'x' };
        return true;
      }
    }
    app = await start([JwtAuthGuard], (b) => b.overrideGuard(JwtAuthGuard).useClass(AllowAll));
    expect((await post(app)).status).toBe(200);
  });
});
