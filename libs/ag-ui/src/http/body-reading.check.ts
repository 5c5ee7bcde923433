import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

/** The Content-Type the module's requests carry through Fastify's parsing step, which then reads nothing. */
const DEFERRED_TYPE = 'application/x-ag-ui-deferred';
const ORIGINAL_TYPE = Symbol('agUiContentType');

const HIDDEN_FRAMING = Symbol('agUiFraming');

type TaggedRequest = IncomingMessage & { [ORIGINAL_TYPE]?: string; [HIDDEN_FRAMING]?: Record<string, string | undefined> };

/** Whether a URL is `/{path}` or `/{path}/{agentId}`: `path` as mounted, global prefix included. */
function isModuleUrl(url: string | undefined, path: string): boolean {
  const pathname = (url ?? '').split('?', 1)[0].replace(/\/+$/, '');
  const mount = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (!pathname.startsWith(mount)) return false;
  const rest = pathname.slice(mount.length);
  return rest === '' || (rest.startsWith('/') && rest.length > 1 && !rest.includes('/', 1));
}

/** Whether a Fastify route pattern is one of the module's (`…/{path}` or `…/{path}/:agentId`, under any global prefix). */
function isModuleRoute(pattern: string | undefined, path: string): boolean {
  const trimmed = (pattern ?? '').replace(/\/+$/, '');
  return trimmed.endsWith(`/${path}`) || trimmed.endsWith(`/${path}/:agentId`);
}

/**
 * Express middleware for apps that keep Nest's JSON parser for their other routes: `app.use(agUiBodyGate())`
 * before any body parser (in main.ts, before `useBodyParser`), with the module's `path` if not
 * `agents`, global prefix included (`agUiBodyGate('api/agents')` under `setGlobalPrefix('api')`). On the module's POSTs it sets the body's framing headers aside, so every body-parser
 * sees a request without a body and skips it; the module puts them back when it reads the body
 * itself, after the guards (node's parser frames the body either way).
 */
export function agUiBodyGate(path = 'agents') {
  return function agUiBodyGate(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
    if (req.method === 'POST' && isModuleUrl(req.url, path)) {
      const headers = req.headers;
      (req as TaggedRequest)[HIDDEN_FRAMING] = { 'content-length': headers['content-length'], 'transfer-encoding': headers['transfer-encoding'] };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
    }
    next();
  };
}

/** Puts back the framing headers `agUiBodyGate` set aside, before the module reads the body. */
export function restoreBodyFraming(req: IncomingMessage): void {
  const hidden = (req as TaggedRequest)[HIDDEN_FRAMING];
  if (!hidden) return;
  for (const name in hidden) if (hidden[name] !== undefined) req.headers[name] = hidden[name];
  (req as TaggedRequest)[HIDDEN_FRAMING] = undefined;
}

interface FastifyLike {
  addHook(name: string, hook: (request: { raw: TaggedRequest; routeOptions?: { url?: string } }, reply: unknown, done: () => void) => void): unknown;
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (err: null, body: undefined) => void) => void): unknown;
}

interface ExpressLike {
  router?: { stack?: Array<{ handle?: { name?: string } }> };
  _router?: { stack?: Array<{ handle?: { name?: string } }> };
}

/**
 * Guards must run before a body is read. At bootstrap this makes sure no platform parser reads the
 * module's bodies first: on Fastify it arranges that itself (its content-type parsers run before
 * Nest's handler, where guards run); on Express it can only check (Nest's parser is registered before
 * any module code) and warns once, saying what to set. Existing apps keep working either way.
 */
export class BodyReadingCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('AgUi');

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly path: string,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.host.httpAdapter;
    if (!adapter) return;
    const type = adapter.getType();
    if (type === 'fastify') this.deferOnFastify(adapter.getInstance() as FastifyLike);
    else if (type === 'express') this.checkExpress(adapter.getInstance() as ExpressLike);
  }

  private deferOnFastify(fastify: FastifyLike): void {
    const path = this.path;
    try {
      // The module's POSTs reach Fastify's parsing step under a type whose parser reads nothing;
      // the real type is put back before the handler, which reads the body from request.raw.
      fastify.addHook('onRequest', (request, _reply, done) => {
        const raw = request.raw;
        if (raw.method === 'POST' && isModuleRoute(request.routeOptions?.url, path)) {
          raw[ORIGINAL_TYPE] = raw.headers['content-type'] ?? '';
          raw.headers['content-type'] = DEFERRED_TYPE;
        }
        done();
      });
      fastify.addHook('preValidation', (request, _reply, done) => {
        const raw = request.raw;
        if (raw[ORIGINAL_TYPE] !== undefined) {
          if (raw[ORIGINAL_TYPE]) raw.headers['content-type'] = raw[ORIGINAL_TYPE];
          else delete raw.headers['content-type'];
        }
        done();
      });
      fastify.addContentTypeParser(DEFERRED_TYPE, (_request, _payload, done) => done(null, undefined));
    } catch (error) {
      this.logger.warn(
        `Fastify parses the bodies of /${path} before the guards run (${(error as Error).message}): ` +
          'bootstrap AgUiModule before the Fastify instance is ready (app.listen() or app.init(), not fastify.ready() first).',
      );
    }
  }

  private checkExpress(express: ExpressLike): void {
    const stack = express.router?.stack ?? express._router?.stack ?? [];
    const names = stack.map((layer) => layer.handle?.name);
    const parser = names.findIndex((name) => name === 'jsonParser' || name === 'urlencodedParser' || name === 'textParser' || name === 'rawParser');
    if (parser < 0) return;
    const gate = names.indexOf('agUiBodyGate');
    if (gate >= 0 && gate < parser) return;
    this.logger.warn(
      `A body parser reads the bodies of /${this.path} before the guards run, so an unauthenticated client can make the server read and parse ` +
        `large bodies. Create the app with NestFactory.create(AppModule, { bodyParser: false }), or keep the parser for your other routes ` +
        `and call app.use(agUiBodyGate(${this.path === 'agents' ? '' : `'${this.path}'`})) before it (before app.useBodyParser()).`,
    );
  }
}
