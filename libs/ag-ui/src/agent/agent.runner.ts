import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EventType,
  PROTOCOL_VERSION,
  aggregateTokenUsage,
  type BaseEvent,
  type Message,
  type RunAgentInput,
  type TokenUsage,
  type Tool,
  type ToolCall,
} from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import { AG_UI_MODULE_OPTIONS, CHAT_MODEL } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { ChatModel, ModelToolDefinition } from '../models/chat-model.interface.js';
import { ToolInvoker, type ToolOutcome } from '../tools/tool.invoker.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool.registry.js';
import type { AgentRunContext } from './agent-run-context.js';
import type { ResolvedAgent } from './agent.catalog.js';
import { EventChannel } from './event-channel.js';
import { callModel, type ModelCallPolicy } from './model-call.js';
import { toSafeError } from './run-error.js';
import { TurnAssembler } from './turn-assembler.js';

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/** The tools one run may use: the agent's backend tools, and the client's tools that do not collide with them. */
interface RunTools {
  backend: Map<string, RegisteredTool>;
  frontend: Set<string>;
  definitions: ModelToolDefinition[];
}

/**
 * The agent loop: model turn → tool calls → results → next turn, as a stream of AG-UI
 * events. It never touches HTTP; whatever happens, the stream starts with RUN_STARTED and
 * ends with exactly one RUN_FINISHED or RUN_ERROR (unless the client left, when nobody listens).
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

  async *run(agent: ResolvedAgent, input: RunAgentInput, context: AgentRunContext): AsyncGenerator<BaseEvent> {
    yield {
      type: EventType.RUN_STARTED,
      threadId: input.threadId,
      runId: input.runId,
      protocolVersion: PROTOCOL_VERSION,
      ...(input.parentRunId ? { parentRunId: input.parentRunId } : {}),
    } as BaseEvent;
    try {
      yield* this.loop(agent, input, context);
    } catch (error) {
      if (context.signal.aborted) {
        this.logger.debug(`Run ${input.runId} stopped: the client disconnected`);
        return;
      }
      const safe = toSafeError(error);
      if (safe.expected) this.logger.warn(`Run ${input.runId} failed: ${safe.code}`);
      else this.logger.error(`Run ${input.runId} failed`, error instanceof Error ? error.stack : String(error));
      yield { type: EventType.RUN_ERROR, code: safe.code, message: safe.message } as BaseEvent;
    }
  }

  private async *loop(agent: ResolvedAgent, input: RunAgentInput, context: AgentRunContext): AsyncGenerator<BaseEvent> {
    const tools = await this.toolsFor(agent, input.tools, context);
    // The agent's instructions are the server's: a client's system or developer message could rewrite them.
    const history: Message[] = this.keepClientSystemMessages ? [...input.messages] : input.messages.filter((message) => message.role !== 'system' && message.role !== 'developer');
    const usage: TokenUsage[] = [];

    for (let step = 1; step <= agent.maxSteps; step++) {
      const turn = new TurnAssembler();
      const request = { model: agent.model, instructions: agent.instructions, messages: history, tools: tools.definitions, temperature: agent.temperature };
      for await (const chunk of callModel(this.model, request, context.signal, this.policy, context.logger)) {
        for (const event of turn.accept(chunk)) yield event;
      }
      for (const event of turn.close()) yield event;
      usage.push(...turn.usage);

      const message = turn.message;
      if (message) history.push(message);
      const calls = turn.toolCalls;
      if (!calls.length) {
        yield this.finished(input, usage);
        return;
      }

      const pending = calls.filter((call) => tools.frontend.has(call.function.name)).map((call) => call.id);
      const serverCalls = calls.filter((call) => !tools.frontend.has(call.function.name));
      for await (const event of this.executeTools(serverCalls, tools, context, history)) yield event;

      // Frontend tools run in the client: the run ends here and the client's next run carries the results.
      if (pending.length) {
        yield this.finished(input, usage, { outcome: { type: 'success', pendingToolCallIds: pending } });
        return;
      }
    }
    context.logger.warn(`Run ${input.runId} reached maxSteps (${agent.maxSteps}) of agent "${agent.id}"`);
    yield this.finished(input, usage, { result: { stopReason: 'max_steps', maxSteps: agent.maxSteps } });
  }

  private finished(input: RunAgentInput, usage: TokenUsage[], extra: Record<string, unknown> = {}): BaseEvent {
    return {
      type: EventType.RUN_FINISHED,
      threadId: input.threadId,
      runId: input.runId,
      ...extra,
      ...(usage.length ? { usage: aggregateTokenUsage(usage) } : {}),
    } as BaseEvent;
  }

  private async toolsFor(agent: ResolvedAgent, clientTools: readonly Tool[], context: AgentRunContext): Promise<RunTools> {
    // Tools the caller's guards refuse are not offered; a forged call to one finds no such tool.
    const backend = new Map((await this.registry.offeredFor(agent.id, context)).map((tool) => [tool.name, tool]));
    const frontend = new Set<string>();
    const definitions: ModelToolDefinition[] = [...backend.values()].map(ToolRegistry.toModelTool);
    for (const tool of clientTools) {
      // A client tool never shadows a server tool: the server's stays, the client's is ignored.
      if (backend.has(tool.name) || frontend.has(tool.name)) {
        this.logger.warn(`Client tool "${tool.name}" ignored: a server tool of that name exists or it is declared twice`);
        continue;
      }
      frontend.add(tool.name);
      definitions.push({ name: tool.name, description: tool.description, parameters: tool.parameters ?? EMPTY_OBJECT_SCHEMA });
    }
    return { backend, frontend, definitions };
  }

  /** Runs the turn's server-side calls concurrently (bounded), yielding each result as it lands. */
  private async *executeTools(calls: ToolCall[], tools: RunTools, context: AgentRunContext, history: Message[]): AsyncGenerator<BaseEvent> {
    if (!calls.length) return;
    const channel = new EventChannel<{ call: ToolCall; outcome: ToolOutcome }>();
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (next < calls.length && failure === undefined) {
        const call = calls[next++]!;
        const tool = tools.backend.get(call.function.name);
        const outcome = tool
          ? await this.invoker.invoke(tool, call, context)
          : { content: '', error: `There is no tool named "${call.function.name}". Use one of: ${[...tools.backend.keys(), ...tools.frontend].join(', ') || 'none'}.` };
        channel.push({ call, outcome });
      }
    };
    const workers = Array.from({ length: Math.min(this.toolConcurrency, calls.length) }, () =>
      worker().catch((error: unknown) => {
        failure ??= error;
      }),
    );
    void Promise.all(workers).then(() => channel.end());

    for await (const { call, outcome } of channel) {
      const content = outcome.error ? `Error: ${outcome.error}` : outcome.content;
      const messageId = randomUUID();
      history.push({ id: messageId, role: 'tool', toolCallId: call.id, content });
      yield { type: EventType.TOOL_CALL_RESULT, messageId, toolCallId: call.id, content, role: 'tool' } as BaseEvent;
    }
    if (failure !== undefined) throw failure;
  }
}
