import { SetMetadata } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { IncomingMessage } from 'node:http';
import { AGENT_TOOL_METADATA } from '../ag-ui.constants.js';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import type { JsonSchema } from './schema/json-schema.types.js';

/** Decides, from the checked arguments and the run, whether a call needs a human's approval. */
export type ToolApprovalPredicate<TArgs = any> = (args: TArgs, context: AgentRunContext) => boolean | Promise<boolean>;

/** What an edit check knows of the resume that carries the edit: who answers, on which thread, for which call. */
export interface ApprovalEditContext<TUser = unknown> {
  readonly agentId: string;
  readonly threadId: string;
  /** The resume run's id. */
  readonly runId: string;
  readonly interruptId: string;
  readonly toolCallId: string;
  readonly toolName: string;
  /** `request.user` of the resume, as the app's guards left it. */
  readonly user: TUser | undefined;
  /** The approver's stable id (the thread's owner); undefined in anonymous mode. */
  readonly principal: string | undefined;
  readonly request: IncomingMessage | undefined;
}

/**
 * Checks an approver's edit against the model's proposal, both after their schema check.
 * `true` accepts it; `false` or a reason (shown to the approver) refuses it with 422 EDIT_REFUSED.
 */
export type ApprovalEditCheck<TArgs = any> = (
  edited: TArgs,
  original: TArgs,
  context: ApprovalEditContext,
) => boolean | string | Promise<boolean | string>;

export interface ToolApprovalOptions<TArgs = any> {
  /** When approval is needed; always when absent. */
  when?: ToolApprovalPredicate<TArgs>;
  /** The question shown to whoever approves; defaults to one naming the tool and its arguments. */
  message?: string | ((args: TArgs, context: AgentRunContext) => string);
  /** How long the approval may take, overriding the module's `approvalTtlMs`. */
  ttlMs?: number;
  /**
   * Whether the approver may change the arguments (`payload.args` of the resume). Default false:
   * an approval with edits is refused (403 EDITS_NOT_ALLOWED) and the interrupt stays pending.
   * `true` takes any edit that passes the tool's schema; a function also checks each edit
   * against the original, e.g. `(edited, original) => edited.amount <= original.amount || 'The amount may only go down'`.
   */
  allowEdits?: boolean | ApprovalEditCheck<TArgs>;
}

export interface AgentToolOptions {
  /** Name the model calls; defaults to the method name. */
  name?: string;
  /** What the tool does, for the model. Required: a tool without one is a bootstrap error. */
  description: string;
  /**
   * The arguments' schema when it is not a DTO-typed `@ToolArgs()` or `@ToolParam()`s:
   * a Standard Schema (zod 4, valibot via `toStandardJsonSchema`, ArkType), a class-validator
   * DTO class, or a raw JSON Schema object.
   */
  parameters?: StandardSchemaV1 | JsonSchema | (new (...args: any[]) => object);
  /** Agents that may use the tool; every agent when absent. */
  agents?: string[];
  /** Longest run time of one call, overriding the module's `toolTimeoutMs`. */
  timeoutMs?: number;
  /**
   * Ask the provider to hold the model to the schema exactly (OpenAI `strict`). Defaults to the
   * module's `strictTools` (true); a schema that cannot be made strict is sent without it, with a warning.
   */
  strict?: boolean;
  /**
   * Ask a human before the call runs (AG-UI 1.0 interrupt): `true`, a predicate of the
   * arguments and the run, or options. The run ends with the interrupt; a resume approves,
   * rejects or cancels it. Approving with edited arguments needs `approval: { allowEdits }`.
   */
  approval?: boolean | ToolApprovalPredicate | ToolApprovalOptions;
  /**
   * Predictive state: `{ stateKey: argumentName }`. A `PredictState` CUSTOM event precedes the
   * call, so a UI shows the argument as state while it streams; when the call runs, the state
   * key takes the argument's value (and gets its old value back if the call fails).
   */
  predictState?: Record<string, string>;
}

/**
 * Marks a provider method as a tool the agents can call. Its parameters come from
 * `@ToolArgs()`, `@ToolParam()`, `@ToolContext()` and the app's own parameter decorators;
 * a method with none of them is called as `(args, context)`.
 */
export const AgentTool = (options: AgentToolOptions): MethodDecorator => SetMetadata(AGENT_TOOL_METADATA, options);
