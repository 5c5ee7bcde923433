import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentTool, ToolContext, ToolParam, type AgentRunContext } from 'nestjs-ag-ui';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { SupportRepository } from './support.repository.js';

const ORDER_ID = { description: 'Order id, e.g. ORD-1001', schema: { pattern: '^ORD-\\d{4}$' } };
const TRACKING_STEPS = ['Contacting the carrier', 'Reading the hub scans', 'Estimating the delivery'];

/** Tools that act on an order: one asks a human first, one reports its progress while it works. */
@Injectable()
export class OrderActionsTools {
  /** Pause between tracking steps, so a UI shows the progress card live (SHIPMENT_STEP_MS, default 400). */
  private readonly stepMs = Number(process.env.SHIPMENT_STEP_MS ?? 400);

  constructor(private readonly repository: SupportRepository) {}

  /** Human in the loop: the run stops with an interrupt, and the refund happens only once the customer approves. */
  @AgentTool({
    description: "Refund one of the current customer's orders in full. The customer must approve it first.",
    approval: {
      message: ({ orderId }: { orderId: string }) => `Refund order ${orderId} in full? This cannot be undone.`,
      // The approver may reword the reason, never point the refund at another order.
      allowEdits: (edited: { orderId: string }, original: { orderId: string }) => edited.orderId === original.orderId || 'The order of a refund cannot be changed',
    },
  })
  refundOrder(
    @ToolParam('orderId', ORDER_ID) orderId: string,
    @ToolParam('reason', { description: 'Why the customer wants the refund' }) reason: string,
    @ToolContext() ctx: AgentRunContext<AuthenticatedUser>,
  ) {
    const user = ctx.user!;
    const order = this.repository.orderOf(user.id, orderId);
    if (!order) throw new NotFoundException(`Order ${orderId} not found`);
    if (order.status === 'refunded') throw new BadRequestException(`Order ${orderId} is already refunded`);
    this.repository.refund(user.id, orderId);
    // ctx.approval says who approved the refund and whether they edited it: worth keeping with the refund.
    const approvedBy = ctx.approval?.approvedBy;
    return { orderId, refunded: order.total, currency: 'EUR', reason, status: 'refunded', approvedBy, edited: ctx.approval?.edited ?? false };
  }

  /** Agentic generative UI: each step is an activity update the UI renders while the tool still runs. */
  @AgentTool({ description: "Trace the shipment of one of the current customer's orders, step by step" })
  async traceShipment(@ToolParam('orderId', ORDER_ID) orderId: string, @ToolContext() ctx: AgentRunContext<AuthenticatedUser>) {
    const order = this.repository.orderOf(ctx.user!.id, orderId);
    if (!order) throw new NotFoundException(`Order ${orderId} not found`);
    for (const [index, step] of TRACKING_STEPS.entries()) {
      ctx.progress({ orderId, step, done: index, total: TRACKING_STEPS.length });
      await sleep(this.stepMs, undefined, { signal: ctx.signal });
    }
    ctx.progress({ orderId, step: 'Done', done: TRACKING_STEPS.length, total: TRACKING_STEPS.length });
    const delivered = order.status === 'delivered';
    return { orderId, carrier: 'DHL', status: order.status, eta: delivered ? 'delivered' : '2 working days' };
  }
}
