import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Interrupt, ResumeEntry, RunAgentInput, ToolCall } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { ToolCallApproval } from '../agent/agent-run-context.js';
import type { RunContext } from '../agent/run-context.js';
import {
  AgUiError,
  AuditUnavailableError,
  EditRefusedError,
  EditsNotAllowedError,
  InterruptExpiredError,
  InterruptNotPendingError,
  InterruptPendingError,
  InvalidRunInputError,
  ThreadForbiddenError,
} from '../errors/ag-ui.error.js';
import { INTERRUPT_STORE, type InterruptStore } from '../stores/interrupt.store.js';
import { logStack, logValue } from '../logging/log-value.js';
import { diffJson } from '../state/json-patch.js';
import { isPlainObject, toJsonValue } from '../state/json-value.js';
import { ToolInvoker } from '../tools/tool.invoker.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool.registry.js';
import { APPROVAL_AUDIT, type ApprovalAuditEntry, type ApprovalAuditor } from './approval-auditor.js';
import type { PendingInterrupt } from './pending-interrupt.js';
import type { ToolApproval } from './tool-approval.js';

export const TOOL_APPROVAL_REASON = 'tool_approval';
const DEFAULT_APPROVAL_TTL_MS = 60 * 60_000;
const DEFAULT_AUDIT_TIMEOUT_MS = 5_000;
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
  | { readonly interrupt: PendingInterrupt; readonly approved: true; readonly args: string; readonly approval: ToolCallApproval }
  | { readonly interrupt: PendingInterrupt; readonly approved: false; readonly answer: string };

/** Who sends a resume: what an edit check may look at besides the principal. */
export interface ResumeCaller {
  readonly user: unknown;
  readonly request: IncomingMessage | undefined;
}

/** A decision with its audit entry, recorded before it takes effect. */
type Decided = { readonly decision: ResumeDecision; readonly entry: ApprovalAuditEntry };

/** Where a decision is made: the resume run and its caller. */
interface ResumeScope {
  readonly input: RunAgentInput;
  readonly principal: string | undefined;
  readonly agentId: string;
  readonly caller: ResumeCaller | undefined;
  readonly at: Date;
}

/**
 * Tool approval as AG-UI 1.0 interrupts. `issue` records the calls a run stops for; `resume`
 * checks a new run's answers before its stream opens (every pending interrupt answered, by
 * the thread's owner, in time, with well-formed payloads) and consumes them, exactly once.
 */
@Injectable()
export class InterruptService {
  private readonly logger = new Logger('AgUiApproval');
  private readonly defaultTtlMs: number;
  private readonly auditTimeoutMs: number;

  constructor(
    @Inject(INTERRUPT_STORE) private readonly store: InterruptStore,
    private readonly registry: ToolRegistry,
    private readonly invoker: ToolInvoker,
    @Inject(APPROVAL_AUDIT) private readonly auditor: ApprovalAuditor,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.defaultTtlMs = options.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS;
    if (!(Number.isFinite(this.defaultTtlMs) && this.defaultTtlMs > 0)) throw new Error('AgUiModule: approvalTtlMs must be a positive number of milliseconds');
    this.auditTimeoutMs = options.approvalAuditTimeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS;
    if (!(Number.isFinite(this.auditTimeoutMs) && this.auditTimeoutMs > 0)) {
      throw new Error('AgUiModule: approvalAuditTimeoutMs must be a positive number of milliseconds');
    }
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
        responseSchema: approvalResponseSchema(request.tool, request.approval.allowsEdits),
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
   * a refused resume consumes nothing, so the client can correct it and try again. Every
   * decision goes to the approval auditor; one that settles an interrupt is recorded before it
   * takes effect, and is undone (the interrupts put back) when it cannot be recorded.
   */
  async resume(
    input: RunAgentInput,
    pending: readonly PendingInterrupt[],
    principal: string | undefined,
    agentId: string,
    caller?: ResumeCaller,
  ): Promise<ResumeDecision[]> {
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

    const scope: ResumeScope = { input, principal, agentId, caller, at: new Date() };
    const now = scope.at.getTime();
    const decided: Decided[] = [];
    const expired: ApprovalAuditEntry[] = [];
    for (const answer of answers) {
      const interrupt = byId.get(answer.interruptId)!;
      // pendingFor checked every pending interrupt; this holds if the store changed in between.
      if (interrupt.principal !== principal) throw new ThreadForbiddenError();
      if (interrupt.agentId !== agentId) {
        throw new InvalidRunInputError(`Interrupt ${interrupt.id} belongs to agent "${interrupt.agentId}": resume it on that agent's endpoint`);
      }
      const one = await this.decide(interrupt, answer, scope);
      if (one.decision.approved && interrupt.expiresAt <= now) {
        const { finalArgs: _final, ...entry } = one.entry;
        expired.push({ ...entry, outcome: 'expired' });
      }
      decided.push(one);
    }
    if (expired.length) {
      for (const entry of expired) await this.auditRefusal(entry);
      throw new InterruptExpiredError(expired.map((entry) => entry.interruptId));
    }

    // The one atomic step: of two requests answering the same interrupts, only one gets them.
    const taken = await this.store.take(input.threadId, ids);
    if (!taken) throw new InterruptNotPendingError(ids);
    try {
      for (const { entry } of decided) await this.audit(entry);
    } catch (error) {
      this.logger.error(`The approval auditor failed; the decision on ${logValueList(ids)} is not applied`, logStack(error));
      // Put back what was taken, so the same answer can be sent again once the audit works.
      await this.store.save(input.threadId, taken, Math.max(...taken.map((interrupt) => interrupt.expiresAt)) + EXPIRED_RETENTION_MS);
      throw new AuditUnavailableError(ids);
    }
    return decided.map(({ decision }) => decision);
  }

  private async decide(interrupt: PendingInterrupt, answer: ResumeEntry, scope: ResumeScope): Promise<Decided> {
    const originalArgs = parseRecorded(interrupt.args);
    const base = {
      at: scope.at,
      principal: scope.principal,
      agentId: interrupt.agentId,
      threadId: interrupt.threadId,
      runId: scope.input.runId,
      interruptedRunId: interrupt.runId,
      interruptId: interrupt.id,
      toolCallId: interrupt.toolCallId,
      toolName: interrupt.toolName,
      originalArgs,
    };
    if (answer.status === 'cancelled') {
      return {
        decision: { interrupt, approved: false, answer: `The user cancelled this call of ${interrupt.toolName}; it was not run.` },
        entry: { ...base, outcome: 'cancelled' },
      };
    }
    const payload: unknown = answer.payload;
    if (!isPlainObject(payload) || typeof payload.approved !== 'boolean') {
      throw new InvalidRunInputError(`resume of ${interrupt.id}: payload must be { approved: boolean, args?: object, reason?: string }`);
    }
    if (payload.reason !== undefined && typeof payload.reason !== 'string') {
      throw new InvalidRunInputError(`resume of ${interrupt.id}: payload.reason must be a string`);
    }
    if (!payload.approved) {
      const said = typeof payload.reason === 'string' ? payload.reason.trim().slice(0, 1000) : '';
      const reason = said ? ` Their reason: ${said}` : '';
      return {
        decision: { interrupt, approved: false, answer: `The user declined this call of ${interrupt.toolName}; it was not run.${reason}` },
        entry: { ...base, outcome: 'rejected', ...(said ? { reason: said } : {}) },
      };
    }

    const tool = this.registry.get(interrupt.toolName);
    const original = tool ? await this.invoker.check(tool, interrupt.args) : undefined;
    const originalChecked = original?.ok ? original.value : originalArgs;
    const approval = (edited: boolean): ToolCallApproval => ({
      interruptId: interrupt.id,
      approvedBy: scope.principal,
      approvedAt: scope.at,
      edited,
      originalArgs: originalChecked,
    });
    // The same arguments sent back (a form that always submits them) are no edit.
    if (payload.args === undefined || sameJson(payload.args, originalArgs) || sameJson(payload.args, toJsonValue(originalChecked))) {
      return { decision: { interrupt, approved: true, args: interrupt.args, approval: approval(false) }, entry: { ...base, outcome: 'approved', finalArgs: originalArgs } };
    }
    await this.checkEdit(interrupt, tool, payload.args, originalChecked, scope, base);
    return {
      decision: { interrupt, approved: true, args: JSON.stringify(payload.args), approval: approval(true) },
      entry: { ...base, outcome: 'approved_with_edits', editedArgs: payload.args, finalArgs: payload.args },
    };
  }

  /**
   * The approval policy on edits, in one place: the tool must allow them, the edit must pass the
   * tool's schema and then its own check against the original. A refusal is recorded and thrown;
   * it consumes nothing, so the interrupt can still be approved as proposed, or rejected.
   */
  private async checkEdit(
    interrupt: PendingInterrupt,
    tool: RegisteredTool | undefined,
    editedArgs: unknown,
    original: unknown,
    scope: ResumeScope,
    base: Omit<ApprovalAuditEntry, 'outcome'>,
  ): Promise<void> {
    const refuse = async (error: AgUiError, reason: string): Promise<never> => {
      await this.auditRefusal({ ...base, outcome: 'edit_refused', editedArgs, code: error.code, reason });
      throw error;
    };
    const policy = tool?.approval;
    if (!tool || !policy?.allowsEdits) return refuse(new EditsNotAllowedError(interrupt.id, interrupt.toolName), 'the tool does not allow edits');

    // Edited arguments get the same check as the model's.
    const checked = await this.invoker.check(tool, JSON.stringify(editedArgs));
    if (!checked.ok) {
      const problem = `resume of ${interrupt.id}: the edited arguments are invalid. ${checked.outcome.error ?? ''}`.trim();
      return refuse(new InvalidRunInputError(problem), checked.outcome.error ?? 'invalid arguments');
    }
    if (!policy.checkEdit) return;
    let verdict: boolean | string;
    try {
      verdict = await policy.checkEdit(checked.value, original, {
        agentId: interrupt.agentId,
        threadId: interrupt.threadId,
        runId: scope.input.runId,
        interruptId: interrupt.id,
        toolCallId: interrupt.toolCallId,
        toolName: interrupt.toolName,
        user: scope.caller?.user,
        principal: scope.principal,
        request: scope.caller?.request,
      });
    } catch (error) {
      // A check that fails cannot vouch for the edit: refused, and the approver may still approve as proposed.
      this.logger.error(`The allowEdits check of ${tool.source} failed; the edit is refused`, logStack(error));
      return refuse(new EditRefusedError(interrupt.id, interrupt.toolName, 'the edit could not be checked'), 'the edit could not be checked');
    }
    if (verdict === true) return;
    const reason = typeof verdict === 'string' && verdict.trim() ? verdict.trim().slice(0, 500) : 'the tool does not accept this change';
    return refuse(new EditRefusedError(interrupt.id, interrupt.toolName, reason), reason);
  }

  /** Records a decision that is about to take effect; throws when it cannot be recorded in time. */
  private async audit(entry: ApprovalAuditEntry): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the auditor did not answer within ${this.auditTimeoutMs} ms`)), this.auditTimeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => this.auditor.record(entry)), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records a refusal; the refusal stands either way, so a failed record is logged with the entry instead. */
  private async auditRefusal(entry: ApprovalAuditEntry): Promise<void> {
    try {
      await this.audit(entry);
    } catch (error) {
      this.logger.error(
        `The approval auditor failed to record ${entry.outcome} of ${logValueList([entry.interruptId])} (${entry.code ?? 'no code'}): ${logValue(JSON.stringify(entry), 1000)}`,
        logStack(error),
      );
    }
  }
}

/** The recorded JSON text of the model's arguments as a value (`{}` for none, the text itself if it is not JSON). */
function parseRecorded(text: string): unknown {
  try {
    return text.trim() ? (JSON.parse(text) as unknown) : {};
  } catch {
    return text;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return diffJson(toJsonValue(a), toJsonValue(b)).length === 0;
}

const logValueList = (ids: readonly string[]): string => logValue(ids.join(', '));

/** `{ approved, args?, reason? }`: the answer a tool approval expects, with the tool's own argument schema when it allows edits. */
function approvalResponseSchema(tool: RegisteredTool, allowsEdits: boolean): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      approved: { type: 'boolean', description: `Whether ${tool.name} may run` },
      // Offered only when the tool allows edits, so a UI knows whether to show an editor.
      ...(allowsEdits ? { args: { ...tool.parameters, description: 'Edited arguments to run it with instead of the proposed ones' } } : {}),
      reason: { type: 'string', description: 'Why it was declined, for the agent' },
    },
    required: ['approved'],
    additionalProperties: false,
  };
}
