import { Logger, type DynamicModule, type INestApplication, type LoggerService, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AgUiModule, agUiBodyGate, type AgUiModuleExtras, type AgUiModuleOptions } from 'nestjs-ag-ui';
import { FakeOpenAIServer } from './fake-openai.server.js';

/** The HTTP platforms the module supports; the specs that touch the transport run on each. */
export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type PlatformApp = NestExpressApplication | NestFastifyApplication;

/** The module's default body limit, which the Fastify test apps also give Fastify (as docs/architecture.md advises). */
const MODULE_BODY_LIMIT = 4 * 1024 * 1024;

export const TEST_API_KEY = 'sk-test-SECRET-do-not-leak-0123456789';

/** Keeps what the app logged, so tests can assert that nothing failed unseen. */
export class RecordingLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: string; extra: unknown[] }> = [];
  private record(level: string, message: unknown, extra: unknown[]) {
    this.entries.push({ level, message: String(message), extra });
  }
  log(message: unknown, ...extra: unknown[]) { this.record('log', message, extra); }
  error(message: unknown, ...extra: unknown[]) { this.record('error', message, extra); }
  warn(message: unknown, ...extra: unknown[]) { this.record('warn', message, extra); }
  debug(message: unknown, ...extra: unknown[]) { this.record('debug', message, extra); }
  verbose(message: unknown, ...extra: unknown[]) { this.record('verbose', message, extra); }
  errors() { return this.entries.filter((entry) => entry.level === 'error'); }
}

export interface TestAppOptions extends ModuleMetadata {
  options?: Partial<AgUiModuleOptions>;
  extras?: AgUiModuleExtras;
  /** Express unless told otherwise. */
  platform?: Platform;
  /** Options of the FastifyAdapter; its bodyLimit defaults to the module's. */
  fastify?: ConstructorParameters<typeof FastifyAdapter>[0];
  configure?: (app: PlatformApp) => void;
  /** Builds the AgUiModule import from the default options, e.g. with forRootAsync; forRoot(options + extras) otherwise. */
  agUiModule?: (options: AgUiModuleOptions) => DynamicModule;
  /** Nest's own JSON body parser; off means the module reads bodies itself (on Express; Fastify still parses JSON with its built-in parser). */
  bodyParser?: boolean;
  /** On Express, `app.use(agUiBodyGate())` before Nest's parser, as recommended (default true); off is the old setting. */
  bodyGate?: boolean;
  /** A fake model server started by the test, for configs that must know its URL up front. */
  fake?: FakeOpenAIServer;
}

export interface TestApp {
  app: INestApplication;
  platform: Platform;
  /** Base URL of the app, e.g. http://127.0.0.1:PORT */
  url: string;
  /** The run endpoint of the `assistant` agent. */
  agentUrl: string;
  fake: FakeOpenAIServer;
  logger: RecordingLogger;
  close(): Promise<void>;
}

/**
 * A real Nest app on a real port, with AgUiModule pointed at the scripted fake model
 * through the real openai SDK. Fast retries keep error tests quick.
 */
export async function startTestApp(setup: TestAppOptions = {}): Promise<TestApp> {
  const fake = setup.fake ?? (await FakeOpenAIServer.start());
  try {
    return await startAppAgainst(fake, setup);
  } catch (error) {
    await fake.close();
    throw error;
  }
}

async function startAppAgainst(fake: FakeOpenAIServer, setup: TestAppOptions): Promise<TestApp> {
  const logger = new RecordingLogger();
  const options: AgUiModuleOptions = {
    agents: [{ id: 'assistant', description: 'Test agent', instructions: 'You are a test agent.', model: 'test-model' }],
    openai: { apiKey: TEST_API_KEY, baseURL: fake.baseURL },
    retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 50 },
    // Most specs exercise the protocol without a guard; the auth specs turn this off.
    anonymous: true,
    ...setup.options,
  };
  const moduleRef = await Test.createTestingModule({
    imports: [...(setup.imports ?? []), setup.agUiModule?.(options) ?? AgUiModule.forRoot({ ...options, ...setup.extras })],
    providers: setup.providers ?? [],
    controllers: setup.controllers ?? [],
  }).compile();
  const platform = setup.platform ?? 'express';
  const appOptions = { logger, bodyParser: setup.bodyParser ?? true, forceCloseConnections: true };
  const app: PlatformApp =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: options.bodyLimit ?? MODULE_BODY_LIMIT, ...setup.fastify }), appOptions)
      : moduleRef.createNestApplication<NestExpressApplication>(appOptions);
  Logger.overrideLogger(logger);
  // The recommended setting: Nest's JSON parser for the app's own routes, never for the module's (read after the guards).
  if (platform === 'express' && setup.bodyGate !== false) app.use(agUiBodyGate(setup.extras?.path));
  setup.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    platform,
    url,
    agentUrl: `${url}/${setup.extras?.path ?? 'agents'}/assistant`,
    fake,
    logger,
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
}
