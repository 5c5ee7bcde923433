import type { CanActivate, Type } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ClientOptions, OpenAI } from 'openai';
import type { ApprovalAuditor } from './interrupts/approval-auditor.js';
import type { ChatModel } from './models/chat-model.interface.js';
import type { InputLimits } from './protocol/input-limits.js';
import type { InterruptStore } from './stores/interrupt.store.js';
import type { RunSlotsStore } from './stores/run-slots.store.js';
import type { ThreadOwnershipStore } from './stores/thread-ownership.store.js';
import type { JsonSchema } from './tools/schema/json-schema.types.js';

/** Optional events a run may add to its stream. */
export interface RunEventOptions {
  /** STEP_STARTED/STEP_FINISHED around each model turn (`model:1`, …) and tool call (`tool:<name>:<toolCallId>`). Default false. */
  steps?: boolean;
  /** A MESSAGES_SNAPSHOT of the whole conversation just before RUN_FINISHED. Default false. */
  messagesSnapshot?: boolean;
}

/**
 * Bounds of one run. Each can be set per agent (AgentDefinition) over the module's value; each
 * has a stable code when hit (see docs/security.md, "Every run bounded").
 */
export interface RunBoundOptions {
  /** Longest run, from RUN_STARTED to its end (default 10 min): past it model and tools are aborted, RUN_ERROR `RUN_TIMEOUT`. */
  maxRunMs?: number;
  /** Longest wait for one model turn's first chunk over all its attempts and backoff (default 90 s): RUN_ERROR `MODEL_DEADLINE`. */
  modelDeadlineMs?: number;
  /** `max_completion_tokens` (or `max_tokens`, see OpenAIChatModelOptions) on every model call (default 4096). */
  maxOutputTokens?: number;
  /** Bytes one run may write to its stream (default 64 MiB): RUN_ERROR `RUN_OUTPUT_LIMIT`. */
  maxRunOutputBytes?: number;
  /** Events one run may write to its stream (default 50 000): RUN_ERROR `RUN_OUTPUT_LIMIT`. */
  maxRunEvents?: number;
}

/** One agent: a system prompt, a model and the limits of its tool loop. */
export interface AgentDefinition extends RunBoundOptions {
  /** URL segment and name: `POST /{path}/{id}`. Letters, digits, `-` and `_`. */
  id: string;
  description?: string;
  /** The system prompt. */
  instructions?: string;
  /** Model name sent to the provider; defaults to the module's `defaultModel`. */
  model?: string;
  temperature?: number;
  /** Model turns per run before the run ends with `stopReason: 'max_steps'` (default 8). */
  maxSteps?: number;
  /**
   * Let tools read the client's `forwardedProps` (as `ctx.input.forwardedProps`). Off by default:
   * they are client data, and an agent has to opt in to see them at all.
   */
  forwardedProps?: boolean;
  /**
   * The shape of the shared state (a Standard Schema, a class-validator DTO class or a JSON
   * Schema). A run whose `state` does not match is refused with a 400 before it starts.
   */
  stateSchema?: StandardSchemaV1 | JsonSchema | (new (...args: any[]) => object);
  /** Optional events for this agent, over the module's `events`. */
  events?: RunEventOptions;
}

export interface RetryOptions {
  /** Further attempts after the first, for transient provider errors before any token streamed (default 2). */
  maxRetries?: number;
  /** First backoff delay; doubles each attempt, with jitter (default 500 ms). */
  initialDelayMs?: number;
  /** Upper bound of one delay, also for a provider's Retry-After (default 8 s). */
  maxDelayMs?: number;
}

/** Options that shape routes: they must be known when the module is defined, so they sit beside `useFactory`. */
export interface AgUiModuleExtras {
  /** Route prefix of the endpoints (default `agents`); the app's global prefix and versioning apply on top. */
  path?: string;
  /**
   * Guards on every AG-UI endpoint, e.g. `[JwtAuthGuard]`, run in order before any body is read
   * or stream opened. A class the app provides elsewhere is that provider, with its own dependencies.
   */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Decorators for the controller class, e.g. `[Public()]` for an app whose global guard honours it, or `[Throttle(...)]`. */
  decorators?: ClassDecorator[];
  /**
   * `GET /{path}`, which lists agents and tools: `'guarded'` (default) behind the same guards as
   * the runs, `'public'` without the `guards` above (global guards still apply), or `'off'`.
   */
  infoEndpoint?: 'guarded' | 'public' | 'off';
}

export interface AgUiModuleOptions extends RunBoundOptions {
  /** One or more agents. With exactly one, `POST /{path}` runs it too. */
  agents: AgentDefinition[];
  /**
   * The model. A `ChatModel` of your own (or `OfflineChatModel`), or else an OpenAI client
   * (instance or its options). Without either, `OPENAI_API_KEY` / `OPENAI_BASE_URL` are read;
   * no key at all is a bootstrap error, never a silent fallback.
   */
  chatModel?: ChatModel;
  openai?: OpenAI | ClientOptions;
  /** Model name for agents that name none (default `OPENAI_MODEL`, else `gpt-4o-mini`). */
  defaultModel?: string;
  /** Largest request body accepted, in bytes (default 4 MiB). See the README on the app's own body parser. */
  bodyLimit?: number;
  /** Interval of `: ping` SSE comments that keep proxies from closing idle streams (default 15 s; 0 turns them off). */
  keepAliveMs?: number;
  /**
   * Longest time a stream may wait for its client to read once the socket's buffer is full
   * (default 30 s; 0 turns it off). Past it the stream is cut off as if the client had gone
   * (model and tools stopped, a warning `WRITE_TIMEOUT` logged, counted in AgUiMetrics).
   */
  writeTimeoutMs?: number;
  /** Longest wait for the model's next chunk before the turn fails with MODEL_TIMEOUT (default 60 s). */
  modelTimeoutMs?: number;
  retry?: RetryOptions;
  /** Longest run time of one tool call unless the tool sets its own (default 30 s). */
  toolTimeoutMs?: number;
  /**
   * How long a stopped tool call (its run aborted, or its time limit passed) may take to settle
   * before it is reported as abandoned: a warning naming the tool and the run, and
   * `AgUiMetrics.abandonedToolCalls` (default 5 s). Nothing waits for it either way.
   */
  toolAbortGraceMs?: number;
  /** Parallel tool calls of one model turn that run at once (default 4). */
  toolConcurrency?: number;
  /**
   * Offer backend tools with OpenAI's `strict: true`, so the model's arguments always fit the
   * schema (default true). Turn off for OpenAI-compatible servers that reject `strict`.
   */
  strictTools?: boolean;
  /**
   * Run the app's global guards, interceptors, pipes and filters on every tool call too
   * (default false: only those declared on the tool's class and method). Tool calls have the
   * context type `ag-ui-tool`; global enhancers that touch the HTTP response must skip it.
   */
  inheritAppConfig?: boolean;
  /**
   * Allow runs without an authenticated user (no guard sets `request.user`). Off by default:
   * such a run is a 401. In anonymous mode threads have no owner, so anyone who knows a
   * `threadId` can run on it.
   */
  anonymous?: boolean;
  /** The stable id of a user, for thread ownership (default: its `id`, `sub`, `userId`, `username` or `email`). */
  principalOf?: (user: unknown) => string | undefined;
  /** Where thread ownership is kept (default: in memory, for one instance). */
  threadOwnershipStore?: ThreadOwnershipStore;
  /**
   * Runs one principal may have open at once (default 4): one more is a 429 `TOO_MANY_RUNS` with
   * Retry-After, before any stream. Counted in `runSlotsStore`. Anonymous runs are not counted per user.
   */
  maxConcurrentRuns?: number;
  /** Where the per-principal run count is kept (default: in memory, for one instance; a shared store bounds all instances). */
  runSlotsStore?: RunSlotsStore;
  /** Streams this instance keeps open at once (default 10 000): one more is a 503 `SERVER_BUSY` with Retry-After. */
  maxOpenStreams?: number;
  /** Bounds on messages, client tools, context and state, refused with a 400 before the stream opens. */
  inputLimits?: InputLimits;
  /**
   * `system` and `developer` messages from the client: `'drop'` (default), since whoever holds
   * the client could otherwise rewrite the agent's instructions, or `'keep'`.
   */
  clientSystemMessages?: 'drop' | 'keep';
  /** Optional events (steps, messages snapshot) for every agent; an agent's own `events` win. */
  events?: RunEventOptions;
  /** How long a tool approval (interrupt) may wait for its answer unless the tool says (default 1 hour). */
  approvalTtlMs?: number;
  /** Where pending interrupts are kept (default: in memory, for one instance). */
  interruptStore?: InterruptStore;
  /**
   * Receives every approval decision: approved (with or without edits), rejected, cancelled,
   * refused edit, expired. Default: one line per decision in the log (`AgUiApproval`). A decision
   * that settles an interrupt takes effect only once it is recorded (503 AUDIT_UNAVAILABLE otherwise).
   */
  approvalAuditor?: ApprovalAuditor;
  /** How long the approval auditor may take to record one decision before it counts as failed (default 5 000 ms). */
  approvalAuditTimeoutMs?: number;
}
