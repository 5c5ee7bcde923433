import { Logger } from '@nestjs/common';
import type { ApprovalAuditEntry } from './approval-auditor.js';
import { LoggerApprovalAuditor } from './logger-approval.auditor.js';

const entry: ApprovalAuditEntry = {
  outcome: 'approved_with_edits',
  at: new Date('2026-12-05T10:00:00Z'),
  principal: 'alice',
  agentId: 'support',
  threadId: 't1\n[Nest] 1 - LOG forged',
  runId: 'r2',
  interruptedRunId: 'r1',
  interruptId: 'int_1',
  toolCallId: 'call_1',
  toolName: 'refund',
  originalArgs: { orderId: 'ORD-1001', amount: 150 },
  editedArgs: { orderId: 'ORD-1001', amount: 100, note: '\u001b[31mred\u009b' },
  finalArgs: { orderId: 'ORD-1001', amount: 100 },
};

describe('LoggerApprovalAuditor', () => {
  const lines: Array<{ level: string; message: string }> = [];
  beforeAll(() => {
    Logger.overrideLogger({
      log: (message: unknown) => void lines.push({ level: 'log', message: String(message) }),
      warn: (message: unknown) => void lines.push({ level: 'warn', message: String(message) }),
      error: () => undefined,
    });
  });
  afterAll(() => Logger.overrideLogger(true));
  beforeEach(() => (lines.length = 0));

  it('writes one line per decision, with the original, edited and final arguments, client values escaped', () => {
    new LoggerApprovalAuditor().record(entry);
    expect(lines).toHaveLength(1);
    const [{ level, message }] = lines as [{ level: string; message: string }];
    expect(level).toBe('log');
    expect(message).not.toMatch(/[\n\r\u001b\u009b]/);
    expect(message).toContain('approved_with_edits "refund" by "alice"');
    expect(message).toContain('args {"orderId":"ORD-1001","amount":150}');
    expect(message).toContain('final {"orderId":"ORD-1001","amount":100}');
    expect(message).toContain('thread "t1\\n[Nest] 1 - LOG forged"');
  });

  it('writes refusals as warnings, with the code and reason', () => {
    new LoggerApprovalAuditor().record({ ...entry, outcome: 'edit_refused', code: 'EDIT_REFUSED', reason: 'The amount may only go down', finalArgs: undefined });
    expect(lines).toEqual([{ level: 'warn', message: expect.stringMatching(/^edit_refused .* code EDIT_REFUSED reason "The amount may only go down"$/) }]);
  });
});
