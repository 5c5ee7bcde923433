import type { InterruptRenderProps } from '@copilotkit/react-core/v2';
import { useState } from 'react';

/** The interrupt of a tool that needs approval (docs/human-in-the-loop.md), with Approve and Reject. */
export function ApprovalCard({ interrupt, resolve }: InterruptRenderProps) {
  const [answer, setAnswer] = useState<'approved' | 'rejected'>();
  if (!interrupt) return <></>;
  const { toolName, args } = (interrupt.metadata ?? {}) as { toolName?: string; args?: unknown };

  const respond = (approved: boolean) => {
    setAnswer(approved ? 'approved' : 'rejected');
    void resolve(approved ? { approved: true } : { approved: false, reason: 'Rejected on the demo page' });
  };

  return (
    <div className="approval" data-testid="approval" role="group" aria-label="Approval needed">
      <div className="label">Approval needed{toolName ? `: ${toolName}` : ''}</div>
      <p>{interrupt.message ?? 'The agent asks before it goes on.'}</p>
      {args !== undefined && <pre>{JSON.stringify(args, null, 2)}</pre>}
      <div className="actions">
        <button type="button" className="btn" onClick={() => respond(true)} disabled={answer !== undefined}>
          Approve
        </button>
        <button type="button" className="btn secondary" onClick={() => respond(false)} disabled={answer !== undefined}>
          Reject
        </button>
        {answer && <span className="muted">{answer}, resuming…</span>}
      </div>
    </div>
  );
}
