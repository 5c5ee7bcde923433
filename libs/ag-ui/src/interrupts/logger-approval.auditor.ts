import { Logger } from '@nestjs/common';
import { logValue } from '../logging/log-value.js';
import type { ApprovalAuditEntry, ApprovalAuditor } from './approval-auditor.js';

const MAX_SHOWN = 500;

/** A client-chosen value as JSON, escaped and capped (see logValue), so it cannot forge a line. */
const shown = (value: unknown): string => logValue(JSON.stringify(value) ?? 'undefined', MAX_SHOWN);

/**
 * The default auditor: one log line per decision through Nest's Logger (context `AgUiApproval`),
 * refusals as warnings.
 * An app that must keep an audit trail provides its own `ApprovalAuditor`.
 */
export class LoggerApprovalAuditor implements ApprovalAuditor {
  private readonly logger = new Logger('AgUiApproval');

  record(entry: ApprovalAuditEntry): void {
    const parts = [
      `${entry.outcome} ${shown(entry.toolName)}`,
      `by ${shown(entry.principal ?? null)}`,
      `interrupt ${shown(entry.interruptId)} call ${shown(entry.toolCallId)}`,
      `thread ${shown(entry.threadId)} run ${shown(entry.runId)}`,
      `args ${shown(entry.originalArgs)}`,
    ];
    if (entry.editedArgs !== undefined) parts.push(`edited ${shown(entry.editedArgs)}`);
    if (entry.finalArgs !== undefined) parts.push(`final ${shown(entry.finalArgs)}`);
    if (entry.code) parts.push(`code ${entry.code}`);
    if (entry.reason !== undefined) parts.push(`reason ${shown(entry.reason)}`);
    const line = parts.join(' ');
    if (entry.outcome === 'edit_refused' || entry.outcome === 'expired') this.logger.warn(line);
    else this.logger.log(line);
  }
}
