import { Injectable, NotFoundException } from '@nestjs/common';
import { AgentTool, type AgentRunContext } from 'nestjs-ag-ui';
import { SupportRepository } from './support.repository.js';
import type { Ticket } from './support.data.js';

/** Until the auth issue lands the demo has one anonymous customer; tools already read identity from the context. */
function customerOf(context: AgentRunContext): string {
  const user = context.user as { id?: string } | undefined;
  return user?.id ?? 'alice';
}

/** The support desk's tools: ordinary provider methods with constructor injection. */
@Injectable()
export class SupportTools {
  constructor(private readonly repository: SupportRepository) {}

  @AgentTool({
    description: "List the current customer's orders with their status and total",
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  })
  listMyOrders(_args: unknown, context: AgentRunContext) {
    return this.repository.ordersOf(customerOf(context)).map(({ id, status, total, placedAt }) => ({ id, status, total, placedAt }));
  }

  @AgentTool({
    description: 'Get one order of the current customer, with its items and invoice',
    parameters: {
      type: 'object',
      properties: { orderId: { type: 'string', pattern: '^ORD-\\d{4}$', description: 'Order id, e.g. ORD-1001' } },
      required: ['orderId'],
      additionalProperties: false,
    },
  })
  getOrder(args: { orderId: string }, context: AgentRunContext) {
    const order = this.repository.orderOf(customerOf(context), args.orderId);
    if (!order) throw new NotFoundException(`Order ${args.orderId} not found`);
    return order;
  }

  @AgentTool({
    description: 'Check an invoice of the current customer: amount, status and due date',
    parameters: {
      type: 'object',
      properties: { invoiceId: { type: 'string', pattern: '^INV-\\d{4}$', description: 'Invoice id, e.g. INV-2001' } },
      required: ['invoiceId'],
      additionalProperties: false,
    },
  })
  checkInvoice(args: { invoiceId: string }, context: AgentRunContext) {
    const invoice = this.repository.invoiceOf(customerOf(context), args.invoiceId);
    if (!invoice) throw new NotFoundException(`Invoice ${args.invoiceId} not found`);
    return invoice;
  }

  @AgentTool({
    description: 'Open a support ticket for the current customer about a problem, optionally about one order',
    parameters: {
      type: 'object',
      properties: {
        subject: { type: 'string', description: 'One-line summary' },
        description: { type: 'string', description: 'What went wrong, in the customer words' },
        priority: { type: 'string', enum: ['low', 'normal', 'high'] },
        orderId: { type: ['string', 'null'], pattern: '^ORD-\\d{4}$', description: 'The order concerned, if any' },
      },
      required: ['subject', 'description', 'priority', 'orderId'],
      additionalProperties: false,
    },
  })
  openTicket(args: Pick<Ticket, 'subject' | 'description' | 'priority' | 'orderId'>, context: AgentRunContext): Ticket {
    return this.repository.openTicket({ ...args, orderId: args.orderId ?? null, customerId: customerOf(context) });
  }
}
