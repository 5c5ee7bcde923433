/** The token of the `ApprovalAuditor` (module option `approvalAuditor`; default: one line per decision in the log). */
export const APPROVAL_AUDIT = Symbol('AG_UI_APPROVAL_AUDIT');

/**
 * What became of one interrupted call:
 * - `approved`, `approved_with_edits`: the tool runs (with `finalArgs`);
 * - `rejected` (`payload.approved: false`), `cancelled` (`status: "cancelled"`): it does not, and the model is told;
 * - `edit_refused`: an approval whose edit the tool does not accept (`code` says why); nothing runs and the interrupt stays pending;
 * - `expired`: an approval after the interrupt's expiry; nothing runs, only a cancel is accepted.
 */
export type ApprovalOutcome = 'approved' | 'approved_with_edits' | 'rejected' | 'cancelled' | 'edit_refused' | 'expired';

/** One decision on one interrupted call, as the auditor receives it. Arguments are JSON values. */
export interface ApprovalAuditEntry {
  readonly outcome: ApprovalOutcome;
  readonly at: Date;
  /** Who answered: the principal of the resume (the thread's owner); undefined in anonymous mode. */
  readonly principal: string | undefined;
  readonly agentId: string;
  readonly threadId: string;
  /** The resume run that carried the answer. */
  readonly runId: string;
  /** The run that stopped for approval. */
  readonly interruptedRunId: string;
  readonly interruptId: string;
  readonly toolCallId: string;
  readonly toolName: string;
  /** The model's arguments, as the server recorded them. */
  readonly originalArgs: unknown;
  /** The arguments the approver sent, when they sent any. */
  readonly editedArgs?: unknown;
  /** The arguments the tool runs with: only for `approved` and `approved_with_edits`. */
  readonly finalArgs?: unknown;
  /** Why: the approver's reason for a rejection, or the reason an edit was refused. */
  readonly reason?: string;
  /** For `edit_refused`: `EDITS_NOT_ALLOWED`, `EDIT_REFUSED` or `INVALID_INPUT` (an edit that fails the schema). */
  readonly code?: string;
}

/**
 * Receives every approval decision. A decision that settles an interrupt (approved, rejected,
 * cancelled) takes effect only once `record` has resolved: if it throws or takes longer than
 * `approvalAuditTimeoutMs`, the resume is refused with 503 AUDIT_UNAVAILABLE, nothing runs and
 * the interrupt stays pending. A refusal (refused edit, expired) is answered either way, and a
 * failure to record it is logged with the entry.
 */
export interface ApprovalAuditor {
  record(entry: ApprovalAuditEntry): void | Promise<void>;
}
