import { Inject, Injectable } from '@nestjs/common';
import type { Interrupt, ResumeEntry, RunAgentInput, ToolCall } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { RunContext } from '../agent/run-context.js';
import {
  InterruptExpiredError,
  InterruptNotPendingError,
  InterruptPendingError,
  InvalidRunInputError,
  ThreadForbiddenError,
} from '../errors/ag-ui.error.js';
import { INTERRUPT_STORE, type InterruptStore } from '../stores/interrupt.store.js';
import { isPlainObject, toJsonValue } from '../state/json-value.js';
import { ToolInvoker } from '../tools/tool.invoker.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool.registry.js';
import type { PendingInterrupt } from './pending-interrupt.js';
import type { ToolApproval } from './tool-approval.js';

export const TOOL_APPROVAL_REASON = 'tool_approval';
const DEFAULT_APPROVAL_TTL_MS = 60 * 60_000;
/** How long an expired interrupt is still recognised, so a late answer is told "expired" rather than "unknown". */
const EXPIRED_RETENTION_MS = 24 * 60 * 60_000;

/** A call the model made that needs approval, with its checked arguments. */
export interface ApprovalRequest {
  readonly call: ToolCall;
  readonly tool: RegisteredTool;
  readonly approval: ToolApproval;
  readonly args: unknown;
  readonly assistantMessageId: string;
}

/** What a resume decided for one interrupted call. */
export type ResumeDecision =
  | { readonly interrupt: PendingInterrupt; readonly approved: true; readonly args: string }
  | { readonly interrupt: PendingInterrupt; readonly approved: false; readonly answer: string };

/**
 * Tool approval as AG-UI 1.0 interrupts. `issue` records the calls a run stops for; `resume`
 * checks a new run's answers before its stream opens (every pending interrupt answered, by
 * the thread's owner, in time, with well-formed payloads) and consumes them, exactly once.
 */
@Injectable()
export class InterruptService {
  private readonly defaultTtlMs: number;

  constructor(
    @Inject(INTERRUPT_STORE) private readonly store: InterruptStore,
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.defaultTtlMs = options.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS;
    if (!(Number.isFinite(this.defaultTtlMs) && this.defaultTtlMs > 0)) throw new Error('AgUiModule: approvalTtlMs must be a positive number of milliseconds');
  }

  /** Records the run's approval requests and returns them as the interrupts of its RUN_FINISHED. */
  async issue(context: RunContext, requests: readonly ApprovalRequest[]): Promise<Interrupt[]> {
    const now = Date.now();
    const issued = requests.map((request) => {
      const expiresAt = now + (request.approval.ttlMs ?? this.defaultTtlMs);
      const pending: PendingInterrupt = {
        id: `int_${randomUUID()}`,
        threadId: context.threadId,
        runId: context.runId,
        agentId: context.agentId,
        ...(context.principal !== undefined ? { principal: context.principal } : {}),
        toolCallId: request.call.id,
        toolName: request.tool.name,
        args: request.call.function.arguments,
        assistantMessageId: request.assistantMessageId,
        expiresAt,
      };
      const interrupt: Interrupt = {
        id: pending.id,
        reason: TOOL_APPROVAL_REASON,
        message: request.approval.message(request.args, context),
        toolCallId: request.call.id,
        responseSchema: approvalResponseSchema(request.tool),
        expiresAt: new Date(expiresAt).toISOString(),
        metadata: { toolName: request.tool.name, args: toJsonValue(request.args) },
      };
      return { pending, interrupt };
    });
    const retainUntil = Math.max(...issued.map(({ pending }) => pending.expiresAt)) + EXPIRED_RETENTION_MS;
    await this.store.save(context.threadId, issued.map(({ pending }) => pending), retainUntil);
    return issued.map(({ interrupt }) => interrupt);
  }

  /**
   * The thread's pending interrupts, read once per run. A caller who is not their principal is
   * refused (403) here, before any claim of the thread or any answer.
   */
  async pendingFor(threadId: string, principal: string | undefined): Promise<PendingInterrupt[]> {
    const pending = await this.store.list(threadId);
    if (pending.some((interrupt) => interrupt.principal !== principal)) throw new ThreadForbiddenError();
    return pending;
  }

  /**
   * Checks the run's `resume` against the thread's pending interrupts and consumes them.
   * Everything that can be refused is refused here, before any stream opens or any tool runs;
   * a refused resume consumes nothing, so the client can correct it and try again.
   */
  async resume(input: RunAgentInput, pending: readonly PendingInterrupt[], principal: string | undefined, agentId: string): Promise<ResumeDecision[]> {
    const answers = input.resume ?? [];
    if (!pending.length && !answers.length) return [];

    const ids = answers.map((answer) => answer.interruptId);
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (repeated.length) throw new InvalidRunInputError(`resume answers interrupt ${repeated.join(', ')} more than once`);
    const byId = new Map(pending.map((interrupt) => [interrupt.id, interrupt]));
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length) throw new InterruptNotPendingError(unknown);
    const unanswered = pending.filter((interrupt) => !ids.includes(interrupt.id));
    if (unanswered.length) {
      throw new InterruptPendingError(
        unanswered.map((interrupt) => ({ id: interrupt.id, toolCallId: interrupt.toolCallId, expiresAt: new Date(interrupt.expiresAt).toISOString() })),
      );
    }

    const now = Date.now();
    const decisions: ResumeDecision[] = [];
    const expired: string[] = [];
    for (const answer of answers) {
      const interrupt = byId.get(answer.interruptId)!;
      // pendingFor checked every pending interrupt; this holds if the store changed in between.
      if (interrupt.principal !== principal) throw new ThreadForbiddenError();
      if (interrupt.agentId !== agentId) {
        throw new InvalidRunInputError(`Interrupt ${interrupt.id} belongs to agent "${interrupt.agentId}": resume it on that agent's endpoint`);
      }
      const decision = await this.decide(interrupt, answer);
      if (decision.approved && interrupt.expiresAt <= now) expired.push(interrupt.id);
      decisions.push(decision);
    }
    if (expired.length) throw new InterruptExpiredError(expired);

    // The one atomic step: of two requests answering the same interrupts, only one gets them.
    if (!(await this.store.take(input.threadId, ids))) throw new InterruptNotPendingError(ids);
    return decisions;
  }

  private async decide(interrupt: PendingInterrupt, answer: ResumeEntry): Promise<ResumeDecision> {
    if (answer.status === 'cancelled') return { interrupt, approved: false, answer: `The user cancelled this call of ${interrupt.toolName}; it was not run.` };
    const payload: unknown = answer.payload;
    if (!isPlainObject(payload) || typeof payload.approved !== 'boolean') {
      throw new InvalidRunInputError(`resume of ${interrupt.id}: payload must be { approved: boolean, args?: object, reason?: string }`);
    }
    if (payload.reason !== undefined && typeof payload.reason !== 'string') {
      throw new InvalidRunInputError(`resume of ${interrupt.id}: payload.reason must be a string`);
    }
    if (!payload.approved) {
      const reason = typeof payload.reason === 'string' && payload.reason.trim() ? ` Their reason: ${payload.reason.trim().slice(0, 1000)}` : '';
      return { interrupt, approved: false, answer: `The user declined this call of ${interrupt.toolName}; it was not run.${reason}` };
    }
    if (payload.args === undefined) return { interrupt, approved: true, args: interrupt.args };

    // Edited arguments get the same check as the model's, now, so a bad edit is a 400 that consumes nothing.
    const tool = this.registry.get(interrupt.toolName);
    const args = JSON.stringify(payload.args);
    if (tool) {
      const checked = await this.invoker.check(tool, args);
      if (!checked.ok) throw new InvalidRunInputError(`resume of ${interrupt.id}: the edited arguments are invalid. ${checked.outcome.error ?? ''}`.trim());
    }
    return { interrupt, approved: true, args };
  }
}

/** `{ approved, args?, reason? }`: the answer a tool approval expects, with the tool's own argument schema for edits. */
function approvalResponseSchema(tool: RegisteredTool): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      approved: { type: 'boolean', description: `Whether ${tool.name} may run` },
      args: { ...tool.parameters, description: 'Edited arguments to run it with instead of the proposed ones' },
      reason: { type: 'string', description: 'Why it was declined, for the agent' },
    },
    required: ['approved'],
    additionalProperties: false,
  };
}
