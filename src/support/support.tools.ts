import { Injectable, NotFoundException, UseGuards } from '@nestjs/common';
import { AgentTool, ToolArgs, ToolContext, ToolParam } from 'nestjs-ag-ui';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { Roles, RolesGuard } from '../auth/roles.guard.js';
import { OpenTicketDto } from './open-ticket.dto.js';
import type { Ticket } from './support.data.js';
import { SupportRepository } from './support.repository.js';

/**
 * The support desk's tools: ordinary provider methods with constructor injection. The
 * customer is always the authenticated user from the run's context, never something the
 * model or the request body says.
 */
@Injectable()
export class SupportTools {
  constructor(private readonly repository: SupportRepository) {}

  @AgentTool({ description: "List the current customer's orders with their status and total" })
  listMyOrders(@ToolContext('user') user: AuthenticatedUser) {
    return this.repository.ordersOf(user.id).map(({ id, status, total, placedAt }) => ({ id, status, total, placedAt }));
  }

  @AgentTool({ description: 'Get one order of the current customer, with its items and invoice' })
  getOrder(
    @ToolParam('orderId', { description: 'Order id, e.g. ORD-1001', schema: { pattern: '^ORD-\\d{4}$' } }) orderId: string,
    @ToolContext('user') user: AuthenticatedUser,
  ) {
    const order = this.repository.orderOf(user.id, orderId);
    if (!order) throw new NotFoundException(`Order ${orderId} not found`);
    return order;
  }

  @AgentTool({ description: 'Check an invoice of the current customer: amount, status and due date' })
  checkInvoice(
    @ToolParam('invoiceId', { description: 'Invoice id, e.g. INV-2001', schema: { pattern: '^INV-\\d{4}$' } }) invoiceId: string,
    @ToolContext('user') user: AuthenticatedUser,
  ) {
    const invoice = this.repository.invoiceOf(user.id, invoiceId);
    if (!invoice) throw new NotFoundException(`Invoice ${invoiceId} not found`);
    return invoice;
  }

  @AgentTool({ description: 'Open a support ticket for the current customer about a problem, optionally about one order' })
  openTicket(@ToolArgs() ticket: OpenTicketDto, @ToolContext('user') user: AuthenticatedUser): Ticket {
    return this.repository.openTicket({
      subject: ticket.subject,
      description: ticket.description,
      priority: ticket.priority,
      orderId: ticket.orderId ?? null,
      customerId: user.id,
    });
  }

  @AgentTool({ description: "Support staff only: list any customer's orders by customer id" })
  @UseGuards(RolesGuard)
  @Roles('support')
  lookupCustomerOrders(@ToolParam('customerId', { description: 'Customer id, e.g. alice' }) customerId: string) {
    return this.repository.ordersOf(customerId).map(({ id, status, total }) => ({ id, status, total }));
  }
}
