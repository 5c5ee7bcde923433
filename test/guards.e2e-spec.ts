import { CanActivate, ExecutionContext, Injectable, Module, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { of } from 'rxjs';
import { AgUiModule, OfflineChatModel } from 'nestjs-ag-ui';
import { expectValidRun } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';

/** A service only the app's AuthModule provides, as JwtService would be. */
@Injectable()
class TokenService {
  userFor(token: string | undefined) {
    return token === 'Bearer good' ? { id: 'alice' } : undefined;
  }
}

/** The app's guard, with a dependency AgUiModule cannot see. */
@Injectable()
class TokenGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    request.user = this.tokens.userFor(request.headers.authorization);
    if (!request.user) throw new UnauthorizedException('A valid bearer token is required');
    return true;
  }
}

/** Provides the guard and its service, exporting neither: the usual shape that broke module-level guards elsewhere. */
@Module({ providers: [TokenService, TokenGuard] })
class AuthModule {}

/** Exports only the service, for a guard the app does not provide itself. */
@Module({ providers: [TokenService], exports: [TokenService] })
class TokensModule {}

const body = (threadId = 't1') => JSON.stringify({ threadId, runId: 'r1', messages: [userMessage('hi')] });
const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body() });

async function expectRefusedAsJson(response: Response, status: number, message: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toMatchObject({ statusCode: status, message });
}

describe.each(PLATFORMS)('guards from forRoot resolve their own dependencies (%s)', (platform) => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it('a guard the app provides in another module is that provider, dependencies and all', async () => {
    t = await startTestApp({ platform, imports: [AuthModule], extras: { guards: [TokenGuard] }, options: { chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) } });
    await expectRefusedAsJson(await post(t.agentUrl), 401, 'A valid bearer token is required');
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')], headers: { authorization: 'Bearer good' } });
    await expectValidRun(run.events, run.input);
  });

  it('a guard provided nowhere is built in AgUiModule, seeing the imports of forRootAsync', async () => {
    t = await startTestApp({
      platform,
      agUiModule: (options) => AgUiModule.forRootAsync({ imports: [TokensModule], guards: [TokenGuard], useFactory: () => ({ ...options, chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) }) }),
    });
    await expectRefusedAsJson(await post(t.agentUrl), 401, 'A valid bearer token is required');
    expect((await post(t.agentUrl, { authorization: 'Bearer good' })).status).toBe(200);
  });

  it('a guard whose dependencies are nowhere fails the bootstrap and says what to do', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel(), guards: [TokenGuard] })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/^AgUiModule cannot create the guard TokenGuard\. Provide TokenGuard in the module that has its dependencies .*Nest said: Nest can't resolve dependencies of the TokenGuard/);
    await moduleRef.close();
  });

  it('a guard that returns false is a 403 JSON answer, before any stream', async () => {
    const deny: CanActivate = { canActivate: () => false };
    t = await startTestApp({ platform, extras: { guards: [deny] } });
    await expectRefusedAsJson(await post(t.agentUrl), 403, 'Forbidden resource');
    expect(t.fake.requests).toHaveLength(0);
  });

  it('guards answering with a boolean, a promise and an Observable run in order, and the first refusal stops the rest', async () => {
    const ran: string[] = [];
    const sync: CanActivate = { canActivate: () => (ran.push('sync'), true) };
    const later: CanActivate = { canActivate: async (context) => (ran.push('promise'), context.switchToHttp().getRequest().headers['x-pass'] !== 'no') };
    const stream: CanActivate = { canActivate: () => (ran.push('observable'), of(true)) };
    t = await startTestApp({ platform, extras: { guards: [sync, later, stream] }, options: { chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) } });

    await expectRefusedAsJson(await post(t.agentUrl, { 'x-pass': 'no' }), 403, 'Forbidden resource');
    expect(ran).toEqual(['sync', 'promise']);
    ran.length = 0;
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')] });
    await expectValidRun(run.events, run.input);
    expect(ran).toEqual(['sync', 'promise', 'observable']);
  });
});

const IS_PUBLIC = 'isPublic';
const Public = () => SetMetadata(IS_PUBLIC, true);

/** The common global JWT guard with a `@Public()` escape hatch. */
@Injectable()
class GlobalAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    if (context.switchToHttp().getRequest().headers.authorization !== 'Bearer good') throw new UnauthorizedException();
    return true;
  }
}

describe.each(PLATFORMS)('global guards (APP_GUARD) and the app’s own metadata (%s)', (platform) => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());
  const globalGuard = { provide: APP_GUARD, useClass: GlobalAuthGuard };

  it('a global guard protects the endpoints like any controller', async () => {
    t = await startTestApp({ platform, providers: [globalGuard] });
    await expectRefusedAsJson(await post(t.agentUrl), 401, 'Unauthorized');
    await expectRefusedAsJson(await fetch(`${t.url}/agents`), 401, 'Unauthorized');
  });

  it('decorators: [Public()] puts the app’s own metadata on the controller, and the global guard honours it', async () => {
    t = await startTestApp({ platform, providers: [globalGuard], extras: { decorators: [Public()] }, options: { chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) } });
    expect((await post(t.agentUrl)).status).toBe(200);
  });
});

describe.each(PLATFORMS)('the info endpoint (%s)', (platform) => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());
  const guard: CanActivate = {
    canActivate: (context) => {
      if (context.switchToHttp().getRequest().headers.authorization !== 'Bearer good') throw new UnauthorizedException();
      return true;
    },
  };

  it('is guarded like the runs by default', async () => {
    t = await startTestApp({ platform, extras: { guards: [guard] } });
    await expectRefusedAsJson(await fetch(`${t.url}/agents`), 401, 'Unauthorized');
    expect((await fetch(`${t.url}/agents`, { headers: { authorization: 'Bearer good' } })).status).toBe(200);
  });

  it("infoEndpoint: 'public' opens only the listing", async () => {
    t = await startTestApp({ platform, extras: { guards: [guard], infoEndpoint: 'public' } });
    expect((await fetch(`${t.url}/agents`)).status).toBe(200);
    await expectRefusedAsJson(await post(t.agentUrl), 401, 'Unauthorized');
  });

  it("infoEndpoint: 'off' removes it", async () => {
    t = await startTestApp({ platform, extras: { infoEndpoint: 'off' } });
    expect((await fetch(`${t.url}/agents`)).status).toBe(404);
  });
});

describe.each(PLATFORMS)('runs need a user unless the module is told otherwise (%s)', (platform) => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it('no guard and no anonymous: true is a 401 AUTHENTICATION_REQUIRED, with a hint in the log', async () => {
    t = await startTestApp({ platform, options: { anonymous: false } });
    const response = await post(t.agentUrl);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, error: 'AUTHENTICATION_REQUIRED', message: 'Authentication is required' });
    expect(t.logger.entries.some((entry) => entry.level === 'warn' && entry.message.includes('set anonymous: true'))).toBe(true);
    expect(t.fake.requests).toHaveLength(0);
  });

  it('a user with no id field needs principalOf; with it, threads are owned by that id', async () => {
    const named: CanActivate = {
      canActivate: (context) => {
        const request = context.switchToHttp().getRequest();
        request.user = { account: request.headers['x-account'] };
        return true;
      },
    };
    t = await startTestApp({
      platform,
      extras: { guards: [named] },
      options: { anonymous: false, principalOf: (user) => (user as { account?: string }).account, chatModel: new OfflineChatModel({ tokenDelayMs: 0 }) },
    });
    expect((await post(t.agentUrl, { 'x-account': 'acct-1' })).status).toBe(200);
    const other = await post(t.agentUrl, { 'x-account': 'acct-2' });
    expect(other.status).toBe(403);
    expect((await other.json()).error).toBe('THREAD_FORBIDDEN');
  });
});
