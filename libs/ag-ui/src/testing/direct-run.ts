import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { BaseEvent } from '@ag-ui/core';
import type { IncomingMessage } from 'node:http';
import { RunAccess } from '../access/run-access.service.js';
import { ThreadAccess } from '../access/thread-access.service.js';
import { AgentCatalog } from '../agent/agent.catalog.js';
import { AgentRunner } from '../agent/agent.runner.js';
import type { RunContextInit } from '../agent/run-context.js';
import { AG_UI_HTTP_SETTINGS, type AgUiHttpSettings } from '../http/http-settings.js';
import { checkInputLimits } from '../protocol/input-limits.js';
import { parseRunInput } from '../protocol/run-input.parser.js';
import { AgentRunRefusedError } from './agent-run-refused.error.js';
import { AgentRunResult } from './agent-run.result.js';
import { checkRunEvents } from './run-events.check.js';
import { buildRunInput, type RunAgentOptions } from './run-options.js';

export interface DirectRunOptions extends RunAgentOptions {
  /** `request.user`, as the app's guard would have set it (the module's guards do not run here). */
  user?: unknown;
  /** Headers of the request that tools see (`@Req()`, `ctx.request`). */
  headers?: Record<string, string>;
  /** Aborting it stops the run, as a client disconnecting would. */
  signal?: AbortSignal;
}

/**
 * Runs an agent in process through the app's AgentRunner: no HTTP and no guards, with `user` as
 * the guard would have set it. The input goes through the same checks, thread claim and interrupt
 * resume as over HTTP, in the same order; a refusal throws an AgentRunRefusedError with the status
 * HTTP would have answered. The events are checked like runAgentOverHttp's.
 */
export async function runAgentDirectly(app: INestApplicationContext, agentId: string, options: DirectRunOptions = {}): Promise<AgentRunResult> {
  await app.init();
  const catalog = app.get(AgentCatalog, { strict: false });
  const runner = app.get(AgentRunner, { strict: false });
  const access = app.get(ThreadAccess, { strict: false });
  const runAccess = app.get(RunAccess, { strict: false });
  const settings = app.get<AgUiHttpSettings>(AG_UI_HTTP_SETTINGS, { strict: false });
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const request = { method: 'POST', url: `/${agentId}`, headers, user: options.user } as unknown as IncomingMessage;

  let prepared;
  try {
    const agent = catalog.get(agentId);
    // Through JSON, as a body would come: what cannot be sent cannot be run.
    const input = parseRunInput(JSON.parse(JSON.stringify(buildRunInput(options))));
    checkInputLimits(input, settings.inputLimits);
    const principal = access.identify(options.user);
    const resumed = await runAccess.open(agent, input, principal, { user: options.user, request });
    prepared = { agent, input, principal, resumed };
  } catch (error) {
    throw AgentRunRefusedError.from(error);
  }

  const { agent, input, principal, resumed } = prepared;
  const context: RunContextInit = {
    agentId: agent.id,
    threadId: input.threadId,
    runId: input.runId,
    user: options.user,
    principal,
    request,
    input: agent.forwardedProps ? input : { ...input, forwardedProps: undefined },
    signal: options.signal ?? new AbortController().signal,
    logger: new Logger('AgUi'),
  };
  const events: BaseEvent[] = [];
  for await (const event of runner.run(agent, input, context, resumed)) events.push(event);
  if (options.check !== false) await checkRunEvents(events, { threadId: input.threadId, runId: input.runId });
  return new AgentRunResult(input, events);
}
