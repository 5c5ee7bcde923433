import type { Logger } from '@nestjs/common';
import type { RunAgentInput } from '@ag-ui/core';
import type { IncomingMessage } from 'node:http';
import { ActivityReporter } from '../state/activity.reporter.js';
import { SharedState } from '../state/shared-state.js';
import type { AgentRunContext, ToolCallApproval } from './agent-run-context.js';

/** What the HTTP layer knows of a run before it starts. */
export interface RunContextInit {
  readonly agentId: string;
  readonly threadId: string;
  readonly runId: string;
  readonly user: unknown;
  readonly principal: string | undefined;
  readonly request: IncomingMessage;
  readonly input: RunAgentInput;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** The run's context, bound to its shared state and, inside a tool call, to that call's progress. */
export class RunContext implements AgentRunContext {
  readonly agentId: string;
  readonly threadId: string;
  readonly runId: string;
  readonly user: unknown;
  readonly principal: string | undefined;
  readonly request: IncomingMessage;
  readonly input: RunAgentInput;
  readonly logger: Logger;
  /** Set only by `withApproval`, on the context of the approved call. */
  approval: ToolCallApproval | undefined;
  #signal: AbortSignal | (() => AbortSignal);
  readonly #state: SharedState;
  readonly #activity?: ActivityReporter;

  constructor(
    init: RunContextInit,
    state: SharedState,
    readonly toolCallId?: string,
    activity?: ActivityReporter,
  ) {
    ({ agentId: this.agentId, threadId: this.threadId, runId: this.runId, user: this.user, principal: this.principal } = init);
    ({ request: this.request, input: this.input, logger: this.logger } = init);
    // From another context, its signal as it is: a signal not made yet is not made here.
    this.#signal = init instanceof RunContext ? init.#signal : init.signal;
    this.approval = init instanceof RunContext ? init.approval : undefined;
    this.#state = state;
    this.#activity = activity;
  }

  /** A context outside any run (listing tools): state reads `{}` and changes go nowhere. */
  static detached(init: RunContextInit): RunContext {
    return new RunContext(init, new SharedState(undefined, () => undefined));
  }

  get signal(): AbortSignal {
    const signal = this.#signal;
    return typeof signal === 'function' ? (this.#signal = signal()) : signal;
  }

  get state(): any {
    return this.#state.value;
  }

  setState(update: unknown): void {
    this.#state.set(update);
  }

  progress(content: Record<string, unknown>, options?: { activityType?: string }): void {
    if (!this.#activity) throw new Error('ctx.progress() reports the progress of a tool call: call it inside a tool');
    this.#activity.report(content, options?.activityType);
  }

  /** The context one tool call receives. */
  forToolCall(toolCallId: string, activity: ActivityReporter): RunContext {
    return new RunContext(this, this.#state, toolCallId, activity);
  }

  /** The context of a call that runs because a human approved it. */
  withApproval(approval: ToolCallApproval): RunContext {
    const context = new RunContext(this, this.#state, this.toolCallId, this.#activity);
    context.approval = approval;
    return context;
  }

  /**
   * The same context with another signal, e.g. one that also fires on the tool's timeout. Given
   * as a function, the signal is made when first read: most tools never read it.
   */
  withSignal(signal: AbortSignal | (() => AbortSignal)): RunContext {
    const context = new RunContext(this, this.#state, this.toolCallId, this.#activity);
    context.#signal = signal;
    return context;
  }
}
