import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Req, Res, UseGuards, type Type } from '@nestjs/common';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { DEFAULT_PATH } from '../ag-ui.constants.js';
import { RunLimitError, RunOutputLimitError, RunTimeoutError, ServerBusyError, TooManyRunsError } from '../errors/ag-ui.error.js';
import type { AgUiModuleExtras } from '../ag-ui.options.js';
import { RunAccess } from '../access/run-access.service.js';
import { ThreadAccess } from '../access/thread-access.service.js';
import { AgentCatalog, type ResolvedAgent } from '../agent/agent.catalog.js';
import { AgentRunner } from '../agent/agent.runner.js';
import type { RunContextInit } from '../agent/run-context.js';
import type { ResumeDecision } from '../interrupts/interrupt.service.js';
import { logFields, logStack, logValue } from '../logging/log-value.js';
import { AgUiMetrics } from '../metrics/ag-ui.metrics.js';
import { ClientProtocol } from '../protocol/client-protocol.js';
import { EventStream } from '../protocol/event-stream.js';
import { KeepAliveTicker } from '../protocol/keep-alive.ticker.js';
import { negotiateEncoding } from '../protocol/media-type.js';
import { checkInputLimits, jsonBoundsOf } from '../protocol/input-limits.js';
import { parseRunInput } from '../protocol/run-input.parser.js';
import { AgUiGuard, AG_UI_PUBLIC_HANDLER } from './ag-ui.guard.js';
import { AgentInfoService, type AgentsInfo } from './agent-info.service.js';
import { AG_UI_HTTP_SETTINGS, type AgUiHttpSettings } from './http-settings.js';
import { nodeExchangeOf, type PlatformRequest, type PlatformResponse } from './platform-exchange.js';
import { readJsonBody } from './request-body.reader.js';
import { toHttpException } from './http-error.js';
import { RunAdmission, type AdmissionRelease } from './run-admission.service.js';

/** Retry-After on the 429/503 before any stream: Nest's exception layer then sends it with the JSON, on either platform. */
function setRetryAfter(res: PlatformResponse, seconds: number): void {
  if ('raw' in res) (res as unknown as { header(name: string, value: string): unknown }).header('Retry-After', String(seconds));
  else res.setHeader('Retry-After', String(seconds));
}

/** Express's request or Fastify's: the guards put `user` on whichever Nest hands them. */
type AuthenticatedRequest = PlatformRequest & { user?: unknown };

/**
 * Builds the controller for one `forRoot`: the path and guards come from the options, so
 * they are applied here with Nest's own decorators and behave like any controller's.
 */
export function createAgUiController(extras: AgUiModuleExtras): Type<unknown> {
  @Controller(extras.path ?? DEFAULT_PATH)
  class AgUiController {
    private readonly logger = new Logger('AgUi');

    constructor(
      private readonly catalog: AgentCatalog,
      private readonly runner: AgentRunner,
      private readonly info: AgentInfoService,
      private readonly access: ThreadAccess,
      private readonly runAccess: RunAccess,
      @Inject(AG_UI_HTTP_SETTINGS) private readonly settings: AgUiHttpSettings,
      private readonly keepAlive: KeepAliveTicker,
      private readonly metrics: AgUiMetrics,
      private readonly admission: RunAdmission,
    ) {}

    list(@Req() req: AuthenticatedRequest): Promise<AgentsInfo> {
      return this.info.describe(req as IncomingMessage & { user?: unknown });
    }

    @Post()
    @HttpCode(200)
    async runDefault(@Req() req: AuthenticatedRequest, @Res() res: PlatformResponse): Promise<void> {
      await this.run(() => this.catalog.getDefault(), req, res);
    }

    @Post(':agentId')
    @HttpCode(200)
    async runAgent(@Param('agentId') agentId: string, @Req() req: AuthenticatedRequest, @Res() res: PlatformResponse): Promise<void> {
      await this.run(() => this.catalog.get(agentId), req, res);
    }

    private async run(resolveAgent: () => ResolvedAgent, req: AuthenticatedRequest, res: PlatformResponse): Promise<void> {
      const exchange = nodeExchangeOf(req, res);
      // Everything that can be refused is refused here, as HTTP, before the stream opens.
      let agent: ResolvedAgent;
      let input;
      let principal: string | undefined;
      let resumed: ResumeDecision[];
      let release: AdmissionRelease | undefined;
      try {
        agent = resolveAgent();
        input = parseRunInput(await readJsonBody(exchange.req, exchange.body, this.settings.bodyLimit, jsonBoundsOf(this.settings.inputLimits)));
        checkInputLimits(input, this.settings.inputLimits);
        principal = this.access.identify(req.user);
        // As soon as the principal is known: a refused run costs no store lookups, no interrupt consumed.
        release = await this.admission.admit(principal);
        // Last, because it consumes the answered interrupts: nothing after it may refuse the run.
        resumed = await this.runAccess.open(agent, input, principal, { user: req.user, request: req as IncomingMessage });
      } catch (error) {
        release?.();
        if (error instanceof TooManyRunsError || error instanceof ServerBusyError) setRetryAfter(res, error.retryAfterSeconds);
        throw toHttpException(error);
      }

      const abort = new AbortController();
      const bounds = agent.bounds;
      let stream: EventStream;
      try {
        // From here on nothing is refused: the response is the stream's alone.
        stream = new EventStream(exchange.takeResponse(), {
          encoding: negotiateEncoding(exchange.req.headers.accept),
          keepAlive: this.keepAlive,
          writeTimeoutMs: this.settings.writeTimeoutMs,
          protocol: ClientProtocol.of(input),
        });
        stream.open(exchange.req, (cutOff) => {
          if (cutOff) {
            // A client that stops reading is treated as gone, once, so it cannot hold the run and its buffers.
            this.metrics.slowClientCutOff();
            this.logger.warn(`Run ${logValue(input.runId)} cut off: ${cutOff.message} (${cutOff.code})`, logFields({ runId: input.runId, threadId: input.threadId, code: cutOff.code }));
          }
          abort.abort(cutOff ?? new Error('client disconnected'));
        });
      } catch (error) {
        // A stream that cannot even open (a bug) must not keep its slot.
        release();
        throw error;
      }
      const runTimer = setTimeout(() => abort.abort(new RunTimeoutError(bounds.maxRunMs)), bounds.maxRunMs);

      const context: RunContextInit = {
        agentId: agent.id,
        threadId: input.threadId,
        runId: input.runId,
        user: req.user,
        principal,
        // The platform's request, where the guards put `user`: tools' guards and parameter decorators read it there.
        request: req as IncomingMessage,
        // forwardedProps are client data that tools see only where the agent opts in.
        input: agent.forwardedProps ? input : { ...input, forwardedProps: undefined },
        signal: abort.signal,
        logger: this.logger,
      };
      // One add and compare per event; past a limit the run is aborted and only its terminal event is written, as RUN_ERROR.
      let events = 0;
      const sink = (event: BaseEvent) => {
        if (++events <= bounds.maxRunEvents && stream.bytesWritten <= bounds.maxRunOutputBytes) return stream.write(event);
        return this.overLimit(event, abort, stream, events > bounds.maxRunEvents ? `${bounds.maxRunEvents} events` : `${bounds.maxRunOutputBytes} bytes`);
      };
      try {
        await this.runner.runInto(agent, input, context, sink, resumed);
      } catch (error) {
        // The runner reports its own failures as RUN_ERROR; reaching here is a bug.
        this.logger.error(`Stream of run ${logValue(input.runId)} broke`, logStack(error));
      } finally {
        clearTimeout(runTimer);
        release();
        stream.end();
      }
    }

    /** A write past the run's output limits: the first aborts the run; the runner's terminal event is then sent as the limit's RUN_ERROR. */
    private overLimit(event: BaseEvent, abort: AbortController, stream: EventStream, what: string): Promise<void> | undefined {
      if (!abort.signal.aborted) abort.abort(new RunOutputLimitError(what));
      if (event.type !== EventType.RUN_FINISHED && event.type !== EventType.RUN_ERROR) return undefined;
      const reason = abort.signal.reason;
      const safe = reason instanceof RunLimitError ? reason : new RunOutputLimitError(what);
      return stream.write({ type: EventType.RUN_ERROR, code: safe.code, message: safe.message } as BaseEvent);
    }
  }

  // Without guards of its own the controller has none: Nest then adds no guard step to any request.
  if (extras.guards?.length) UseGuards(AgUiGuard)(AgUiController);
  const list = Object.getOwnPropertyDescriptor(AgUiController.prototype, 'list')!;
  if (extras.infoEndpoint !== 'off') Get()(AgUiController.prototype, 'list', list);
  if (extras.infoEndpoint === 'public') Reflect.defineMetadata(AG_UI_PUBLIC_HANDLER, true, list.value);
  for (const decorate of extras.decorators ?? []) decorate(AgUiController);
  return AgUiController;
}
