import { Injectable, NotFoundException } from '@nestjs/common';
import { AgentTool, ToolContext, ToolParam, type AgentRunContext } from 'nestjs-ag-ui';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { SupportState } from './support.state.js';
import { SupportRepository } from './support.repository.js';

/** Tools that work on the state the page shares with the agent: a watchlist, and a message draft. */
@Injectable()
export class WorkspaceTools {
  constructor(private readonly repository: SupportRepository) {}

  /** Shared state: the watchlist lives in the client's state; the change reaches it as a STATE_DELTA. */
  @AgentTool({ description: "Watch one of the current customer's orders: add it to the watchlist shown on the page" })
  watchOrder(
    @ToolParam('orderId', { description: 'Order id, e.g. ORD-1001', schema: { pattern: '^ORD-\\d{4}$' } }) orderId: string,
    @ToolContext() ctx: AgentRunContext<AuthenticatedUser, SupportState>,
  ) {
    if (!this.repository.orderOf(ctx.user!.id, orderId)) throw new NotFoundException(`Order ${orderId} not found`);
    ctx.setState((state) => ({ ...state, watchlist: [...new Set([...(state.watchlist ?? []), orderId])] }));
    return { watching: ctx.state.watchlist };
  }

  /** Predictive state: the draft appears in the page's state while the model is still writing the argument. */
  @AgentTool({
    description: 'Write a draft message to the support team; the draft panel shows it as it is written',
    predictState: { draft: 'text' },
  })
  draftMessage(@ToolParam('text', { description: 'The message text' }) text: string) {
    return { saved: true, characters: text.length };
  }
}
