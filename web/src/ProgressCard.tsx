import type { ReactActivityMessageRenderer } from '@copilotkit/react-core/v2';
import { z } from 'zod';

/** What a tool's `ctx.progress()` sends; traceShipment reports its steps this way. */
const progress = z.object({ orderId: z.string().optional(), step: z.string(), done: z.number(), total: z.number() });

/** Agentic generative UI: the progress a backend tool reports while it still runs. */
export const progressRenderer: ReactActivityMessageRenderer<z.infer<typeof progress>> = {
  activityType: 'progress',
  content: progress,
  render: ({ content }) => (
    <div className="progress" data-testid="progress">
      <div className="progress-step">
        {content.orderId ? `${content.orderId}: ` : ''}
        {content.step}
      </div>
      <progress max={content.total} value={content.done} />
    </div>
  ),
};
