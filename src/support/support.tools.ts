import { Injectable, NotFoundException } from '@nestjs/common';
import { AgentTool, ToolArgs, ToolContext, ToolParam, type AgentRunContext } from 'nestjs-ag-ui';
import { OpenTicketDto } from './open-ticket.dto.js';
import type { Ticket } from './support.data.js';
import { SupportRepository } from './support.repository.js';

/** Until the auth issue lands the demo has one anonymous customer; tools already read identity from the context. */
function customerOf(context: AgentRunContext): string {
  const user = context.user as { id?: string } | undefined;
  return user?.id ?? 'alice';
}

/**
 * The support desk's tools: ordinary provider methods with constructor injection. The
 * customer always comes from the run's context, never from the model's arguments.
 */
@Injectable()
export class SupportTools {
  constructor(private readonly repository: SupportRepository) {}

  @AgentTool({ description: "List the current customer's orders with their status and total" })
  listMyOrders(@ToolContext() context: AgentRunContext) {
    return this.repository.ordersOf(customerOf(context)).map(({ id, status, total, placedAt }) => ({ id, status, total, placedAt }));
  }

  @AgentTool({ description: 'Get one order of the current customer, with its items and invoice' })
  getOrder(
    @ToolParam('orderId', { description: 'Order id, e.g. ORD-1001', schema: { pattern: '^ORD-\\d{4}$' } }) orderId: string,
    @ToolContext() context: AgentRunContext,
  ) {
    const order = this.repository.orderOf(customerOf(context), orderId);
    if (!order) throw new NotFoundException(`Order ${orderId} not found`);
    return order;
  }

  @AgentTool({ description: 'Check an invoice of the current customer: amount, status and due date' })
  checkInvoice(
    @ToolParam('invoiceId', { description: 'Invoice id, e.g. INV-2001', schema: { pattern: '^INV-\\d{4}$' } }) invoiceId: string,
    @ToolContext() context: AgentRunContext,
  ) {
    const invoice = this.repository.invoiceOf(customerOf(context), invoiceId);
    if (!invoice) throw new NotFoundException(`Invoice ${invoiceId} not found`);
    return invoice;
  }

  @AgentTool({ description: 'Open a support ticket for the current customer about a problem, optionally about one order' })
  openTicket(@ToolArgs() ticket: OpenTicketDto, @ToolContext() context: AgentRunContext): Ticket {
    return this.repository.openTicket({
      subject: ticket.subject,
      description: ticket.description,
      priority: ticket.priority,
      orderId: ticket.orderId ?? null,
      customerId: customerOf(context),
    });
  }
}
