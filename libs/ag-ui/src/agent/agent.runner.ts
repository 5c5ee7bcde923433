import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EventType,
  PROTOCOL_VERSION,
  aggregateTokenUsage,
  type BaseEvent,
  type RunAgentInput,
  type TokenUsage,
  type Tool,
  type ToolCall,
} from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import { AG_UI_MODULE_OPTIONS, CHAT_MODEL } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import { RunLimitError } from '../errors/ag-ui.error.js';
import { InterruptService, type ApprovalRequest, type ResumeDecision } from '../interrupts/interrupt.service.js';
import { logFields, logStack, logValue } from '../logging/log-value.js';
import type { ChatModel, ModelToolDefinition } from '../models/chat-model.interface.js';
import { ActivityReporter } from '../state/activity.reporter.js';
import { isPlainObject } from '../state/json-value.js';
import { SharedState } from '../state/shared-state.js';
import { ToolInvoker, type ToolOutcome } from '../tools/tool.invoker.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool.registry.js';
import type { ResolvedAgent } from './agent.catalog.js';
import { EventChannel } from './event-channel.js';
import { writeEach, type EventSink } from './event-sink.js';
import { linkedAbort } from './linked-abort.js';
import { callModel, type ModelCallPolicy } from './model-call.js';
import { RunContext, type RunContextInit } from './run-context.js';
import { toSafeError } from './run-error.js';
import { Transcript } from './transcript.js';
import { TurnAssembler } from './turn-assembler.js';

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/** The tools one run may use: the agent's backend tools, and the client's tools that do not collide with them. */
interface RunTools {
  backend: Map<string, RegisteredTool>;
  frontend: Set<string>;
  definitions: ModelToolDefinition[];
}

/** One tool call to execute: how to get its outcome, and how to rebuild the call if the client's history lacks it. */
interface ToolJob {
  call: ToolCall;
  execute(context: RunContext): Promise<ToolOutcome>;
  origin?: { assistantMessageId: string };
}

/** Everything one run carries between its phases. */
interface Run {
  readonly agent: ResolvedAgent;
  readonly input: RunAgentInput;
  readonly context: RunContext;
  readonly state: SharedState;
  readonly transcript: Transcript;
  readonly tools: RunTools;
  readonly usage: TokenUsage[];
  /** Events raised outside tool execution (a state change in an approval predicate, say), sent at the next pause. */
  readonly held: BaseEvent[];
  readonly sink: EventSink;
  /** Set while tools run: the events they raise are written at once, not held. */
  live: boolean;
}

/**
 * The agent loop: model turn → tool calls → results → next turn, as a stream of AG-UI
 * events. It never touches HTTP; whatever happens, the stream starts with RUN_STARTED and
 * ends with exactly one RUN_FINISHED or RUN_ERROR (unless the client left, when nobody listens).
 *
 * Events are pushed to a sink (`runInto`), not pulled: a generator between the runner and the
 * response would add a promise and a suspension per token. `run()` is the pull form.
 */
@Injectable()
export class AgentRunner {
  private readonly logger = new Logger('AgUi');
  private readonly policy: ModelCallPolicy;
  private readonly toolConcurrency: number;
  private readonly keepClientSystemMessages: boolean;

  constructor(
    @Inject(CHAT_MODEL) private readonly model: ChatModel,
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
    private readonly interrupts: InterruptService,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.policy = {
      maxRetries: options.retry?.maxRetries ?? 2,
      initialDelayMs: options.retry?.initialDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
      idleTimeoutMs: options.modelTimeoutMs ?? 60_000,
    };
    this.toolConcurrency = Math.max(1, options.toolConcurrency ?? 4);
    this.keepClientSystemMessages = options.clientSystemMessages === 'keep';
  }

  /**
   * Runs `agent` on `input` as a stream of events, for code that pulls (tests, a custom
   * transport). Leaving the loop early stops the run as a client disconnect would.
   */
  async *run(agent: ResolvedAgent, input: RunAgentInput, init: RunContextInit, resumed: readonly ResumeDecision[] = []): AsyncGenerator<BaseEvent> {
    const abort = linkedAbort(init.signal);
    const channel = new EventChannel<BaseEvent>();
    const done = this.runInto(agent, input, { ...init, signal: abort.signal }, (event) => channel.write(event), resumed).finally(() => channel.end());
    let finished = false;
    try {
      yield* channel;
      finished = true;
    } finally {
      if (!finished) abort.controller.abort(new Error('The consumer stopped reading the run'));
      channel.close();
      abort.release();
      await done;
    }
  }

  /**
   * Runs `agent` on `input`, writing each event to `sink` as it happens; settles when the run is
   * over. `resumed` are the interrupted calls this run answers, already checked and consumed (see
   * InterruptService.resume): they are settled before the first model turn.
   */
  async runInto(agent: ResolvedAgent, input: RunAgentInput, init: RunContextInit, sink: EventSink, resumed: readonly ResumeDecision[] = []): Promise<void> {
    // Before any await: the headers leave with it, before the model is even asked.
    const started = sink({
      type: EventType.RUN_STARTED,
      threadId: input.threadId,
      runId: input.runId,
      protocolVersion: PROTOCOL_VERSION,
      ...(input.parentRunId ? { parentRunId: input.parentRunId } : {}),
    } as BaseEvent);
    try {
      if (started) await started;
      const held: BaseEvent[] = [];
      const state = new SharedState(input.state, (event) => (run.live ? void sink(event) : held.push(event)));
      const context = new RunContext(init, state);
      const run: Run = {
        agent,
        input,
        context,
        state,
        held,
        sink,
        transcript: new Transcript(input.messages, this.keepClientSystemMessages),
        tools: await this.toolsFor(agent, input.tools, context),
        usage: [],
        live: false,
      };
      const { tools, transcript } = run;
      const policy: ModelCallPolicy = { ...this.policy, deadlineMs: agent.bounds.modelDeadlineMs };
      if (resumed.length) await this.executeTools(run, resumed.map((decision) => this.resumeJob(run, decision)));

      for (let step = 1; step <= agent.maxSteps; step++) {
        const stepName = `model:${step}`;
        if (agent.events.steps) await sink({ type: EventType.STEP_STARTED, stepName } as BaseEvent);
        const turn = new TurnAssembler((toolName) => this.predictionFor(tools.backend.get(toolName)));
        const request = { model: agent.model, instructions: agent.instructions, messages: transcript.forModel(), tools: tools.definitions, temperature: agent.temperature, maxOutputTokens: agent.bounds.maxOutputTokens };
        await callModel(this.model, request, context.signal, policy, context.logger, (chunk) => writeEach(sink, turn.accept(chunk)));
        await writeEach(sink, turn.close());
        if (agent.events.steps) await sink({ type: EventType.STEP_FINISHED, stepName } as BaseEvent);
        run.usage.push(...turn.usage);

        const message = turn.message;
        if (message) transcript.add(message);
        const calls = turn.toolCalls;
        if (!calls.length) return await this.finish(run);

        const pending = calls.filter((call) => tools.frontend.has(call.function.name)).map((call) => call.id);
        const { now, approvals } = await this.triage(
          calls.filter((call) => !tools.frontend.has(call.function.name)),
          run,
          turn.messageId,
        );
        await this.executeTools(run, now.map((call) => this.callJob(run, call)));
        await writeEach(sink, run.held.splice(0));

        // Calls that need a human end the run with an interrupt; a resume picks them up.
        if (approvals.length) {
          const interrupts = await this.interrupts.issue(context, approvals);
          return await this.finish(run, { outcome: { type: 'interrupt', interrupts } });
        }
        // Frontend tools run in the client: the run ends here and the client's next run carries the results.
        if (pending.length) return await this.finish(run, { outcome: { type: 'success', pendingToolCallIds: pending } });
      }
      context.logger.warn(`Run ${logValue(input.runId)} reached maxSteps (${agent.maxSteps}) of agent "${agent.id}"`, logFields({ runId: input.runId, threadId: input.threadId, agentId: agent.id }));
      await this.finish(run, { result: { stopReason: 'max_steps', maxSteps: agent.maxSteps } });
    } catch (caught) {
      // A run bound (duration, output) aborts the run too, but its client is still there to be told.
      const bounded = init.signal.aborted && init.signal.reason instanceof RunLimitError;
      const error = bounded ? init.signal.reason : caught;
      if (init.signal.aborted && !bounded) {
        this.logger.debug(`Run ${logValue(input.runId)} stopped: the client disconnected`, logFields({ runId: input.runId, threadId: input.threadId }));
        return;
      }
      const safe = toSafeError(error);
      if (safe.expected) this.logger.warn(`Run ${logValue(input.runId)} failed: ${safe.code}`, logFields({ runId: input.runId, threadId: input.threadId, code: safe.code }));
      // (message, stack) only: the form structured loggers such as nestjs-pino read as an error.
      else this.logger.error(`Run ${logValue(input.runId)} failed`, logStack(error));
      await sink({ type: EventType.RUN_ERROR, code: safe.code, message: safe.message } as BaseEvent);
    }
  }

  private async finish(run: Run, extra: Record<string, unknown> = {}): Promise<void> {
    await writeEach(run.sink, run.held.splice(0));
    if (run.agent.events.messagesSnapshot) await run.sink({ type: EventType.MESSAGES_SNAPSHOT, messages: [...run.transcript.messages] } as BaseEvent);
    await run.sink({
      type: EventType.RUN_FINISHED,
      threadId: run.input.threadId,
      runId: run.input.runId,
      ...extra,
      ...(run.usage.length ? { usage: aggregateTokenUsage(run.usage) } : {}),
    } as BaseEvent);
  }

  private async toolsFor(agent: ResolvedAgent, clientTools: readonly Tool[], context: RunContext): Promise<RunTools> {
    // Tools the caller's guards refuse are not offered; a forged call to one finds no such tool.
    const backend = new Map((await this.registry.offeredFor(agent.id, context)).map((tool) => [tool.name, tool]));
    const frontend = new Set<string>();
    const definitions: ModelToolDefinition[] = [...backend.values()].map(ToolRegistry.toModelTool);
    for (const tool of clientTools) {
      // A client tool never shadows a server tool: the server's stays, the client's is ignored.
      if (backend.has(tool.name) || frontend.has(tool.name)) {
        this.logger.warn(`Client tool "${logValue(tool.name)}" ignored: a server tool of that name exists or it is declared twice`, logFields({ toolName: tool.name, runId: context.runId }));
        continue;
      }
      frontend.add(tool.name);
      definitions.push({ name: tool.name, description: tool.description, parameters: tool.parameters ?? EMPTY_OBJECT_SCHEMA });
    }
    return { backend, frontend, definitions };
  }

  /**
   * Splits the turn's server calls into those that run now and those that wait for approval.
   * A call whose arguments fail their check runs now, so the model reads the problem at once;
   * an approval rule that throws asks for approval rather than letting the call through.
   */
  private async triage(calls: ToolCall[], run: Run, assistantMessageId: string): Promise<{ now: ToolCall[]; approvals: ApprovalRequest[] }> {
    const now: ToolCall[] = [];
    const approvals: ApprovalRequest[] = [];
    for (const call of calls) {
      const tool = run.tools.backend.get(call.function.name);
      const approval = tool?.approval;
      if (!tool || !approval) {
        now.push(call);
        continue;
      }
      const checked = await this.invoker.check(tool, call.function.arguments);
      if (!checked.ok) {
        now.push(call);
        continue;
      }
      let needed = true;
      try {
        needed = await approval.needed(checked.value, run.context);
      } catch (error) {
        this.logger.error(`Approval rule of ${tool.source} failed; asking for approval`, logStack(error));
      }
      if (needed) approvals.push({ call, tool, approval, args: checked.value, assistantMessageId });
      else now.push(call);
    }
    return { now, approvals };
  }

  private callJob(run: Run, call: ToolCall): ToolJob {
    const tool = run.tools.backend.get(call.function.name);
    if (!tool) {
      const known = [...run.tools.backend.keys(), ...run.tools.frontend].join(', ') || 'none';
      return { call, execute: async () => ({ content: '', error: `There is no tool named "${call.function.name}". Use one of: ${known}.` }) };
    }
    return { call, execute: (context) => this.callTool(run, tool, call, context) };
  }

  /** An interrupted call, answered: run it with the approved arguments, or tell the model it was declined. */
  private resumeJob(run: Run, decision: ResumeDecision): ToolJob {
    const { interrupt } = decision;
    const call: ToolCall = { id: interrupt.toolCallId, type: 'function', function: { name: interrupt.toolName, arguments: decision.approved ? decision.args : interrupt.args } };
    const origin = { assistantMessageId: interrupt.assistantMessageId };
    if (!decision.approved) return { call, origin, execute: async () => ({ content: decision.answer }) };
    const job = this.callJob(run, call);
    // The tool sees how it was approved (ctx.approval): by whom, when, and whether its arguments were edited.
    return { call, origin, execute: (context) => job.execute(context.withApproval(decision.approval)) };
  }

  /** Checks the arguments, applies predicted state, runs the tool; a failed call takes its prediction back. */
  private async callTool(run: Run, tool: RegisteredTool, call: ToolCall, context: RunContext): Promise<ToolOutcome> {
    const checked = await this.invoker.check(tool, call.function.arguments);
    if (!checked.ok) return checked.outcome;
    const restore = this.applyPrediction(run.state, tool, checked.value);
    const outcome = await this.invoker.execute(tool, checked.value, call.id, context);
    if (outcome.error) restore?.();
    return outcome;
  }

  /** The PredictState event sent before a call of `tool` opens, so a UI shows its arguments as state while they stream. */
  private predictionFor(tool: RegisteredTool | undefined): BaseEvent | undefined {
    if (!tool?.predictState) return undefined;
    const value = Object.entries(tool.predictState).map(([stateKey, argument]) => ({ state_key: stateKey, tool: tool.name, tool_argument: argument }));
    return { type: EventType.CUSTOM, name: 'PredictState', value } as BaseEvent;
  }

  /** Makes the predicted state real once the call runs; returns how to take it back. */
  private applyPrediction(state: SharedState, tool: RegisteredTool, args: unknown): (() => void) | undefined {
    if (!tool.predictState || !isPlainObject(args) || !isPlainObject(state.value)) return undefined;
    const before = state.value;
    const predicted = { ...before };
    for (const [stateKey, argument] of Object.entries(tool.predictState)) {
      if (args[argument] !== undefined) predicted[stateKey] = args[argument];
    }
    state.set(predicted);
    return () => {
      const current = state.value;
      if (!isPlainObject(current)) return;
      const restored = { ...current };
      for (const stateKey of Object.keys(tool.predictState!)) {
        if (Object.hasOwn(before, stateKey)) restored[stateKey] = before[stateKey];
        else delete restored[stateKey];
      }
      state.set(restored);
    };
  }

  /**
   * Runs tool calls concurrently (bounded). Each result is written as it lands, and what a tool
   * reports while it runs (progress, state changes) is written at once, not after it returns.
   */
  private async executeTools(run: Run, jobs: ToolJob[]): Promise<void> {
    if (!jobs.length) return;
    const { sink } = run;
    run.live = true;
    const steps = run.agent.events.steps;
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (next < jobs.length && failure === undefined) {
        const { call, execute, origin } = jobs[next++]!;
        const stepName = `tool:${call.function.name}:${call.id}`;
        if (steps) await sink({ type: EventType.STEP_STARTED, stepName } as BaseEvent);
        // Progress a stopped tool (timed out, run aborted) reports later is dropped, like its late result.
        let reporting = true;
        const activity = new ActivityReporter((event) => void (reporting && sink(event)));
        let outcome: ToolOutcome;
        try {
          outcome = await execute(run.context.forToolCall(call.id, activity));
        } finally {
          reporting = false;
        }
        try {
          // A change the tool made to the state in place is sent before its result.
          run.state.flush();
        } catch {
          outcome = { content: '', error: 'The tool left the shared state in a form that is not JSON; its unsent changes were undone' };
        }
        const content = outcome.error ? `Error: ${outcome.error}` : outcome.content;
        const messageId = randomUUID();
        run.transcript.addToolResult({ id: messageId, role: 'tool', toolCallId: call.id, content }, origin && { assistantMessageId: origin.assistantMessageId, toolCall: call });
        await sink({ type: EventType.TOOL_CALL_RESULT, messageId, toolCallId: call.id, content, role: 'tool' } as BaseEvent);
        if (steps) await sink({ type: EventType.STEP_FINISHED, stepName } as BaseEvent);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(this.toolConcurrency, jobs.length) }, () =>
          worker().catch((error: unknown) => {
            failure ??= error;
          }),
        ),
      );
    } finally {
      run.live = false;
    }
    if (failure !== undefined) throw failure;
  }
}
