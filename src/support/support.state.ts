import { z } from 'zod';

/** The state the page shares with the support agent. The module refuses a run whose state does not fit it. */
export const supportStateSchema = z.object({
  watchlist: z.array(z.string().regex(/^ORD-\d{4}$/)).max(20).optional(),
  draft: z.string().max(10_000).optional(),
});

export type SupportState = z.infer<typeof supportStateSchema>;
