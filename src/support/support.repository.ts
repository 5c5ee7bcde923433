import { Injectable } from '@nestjs/common';
import { SEED_INVOICES, SEED_ORDERS, type Invoice, type Order, type Ticket } from './support.data.js';

/** In-memory storage of the demo, shaped like a real repository so the tools read like production code. */
@Injectable()
export class SupportRepository {
  private readonly orders = SEED_ORDERS.map((order) => structuredClone(order));
  private readonly invoices = SEED_INVOICES.map((invoice) => structuredClone(invoice));
  private readonly tickets: Ticket[] = [];

  ordersOf(customerId: string): Order[] {
    return this.orders.filter((order) => order.customerId === customerId);
  }

  /** Only the customer's own order: another customer's id reads as not found. */
  orderOf(customerId: string, orderId: string): Order | undefined {
    return this.orders.find((order) => order.id === orderId && order.customerId === customerId);
  }

  invoiceOf(customerId: string, invoiceId: string): Invoice | undefined {
    return this.invoices.find((invoice) => invoice.id === invoiceId && invoice.customerId === customerId);
  }

  /** Marks the customer's order refunded; undefined when it is not theirs. */
  refund(customerId: string, orderId: string): Order | undefined {
    const order = this.orderOf(customerId, orderId);
    if (order) order.status = 'refunded';
    return order;
  }

  openTicket(ticket: Omit<Ticket, 'id' | 'openedAt'>): Ticket {
    const created: Ticket = { ...ticket, id: `TCK-${3001 + this.tickets.length}`, openedAt: new Date().toISOString() };
    this.tickets.push(created);
    return created;
  }

  ticketsOf(customerId: string): Ticket[] {
    return this.tickets.filter((ticket) => ticket.customerId === customerId);
  }
}
