// orders/orders.repository.ts: stands in for your data layer
import { Injectable } from '@nestjs/common';
import type { OpenTicketDto } from './open-ticket.dto.js';

export interface Order {
  id: string;
  customerId: string;
  item: string;
}

const ORDERS: readonly Order[] = [
  { id: 'ORD-1001', customerId: 'alice', item: 'Mechanical keyboard' },
  { id: 'ORD-1002', customerId: 'alice', item: 'Wireless mouse' },
  { id: 'ORD-2001', customerId: 'bob', item: 'USB-C dock' },
];

@Injectable()
export class OrdersRepository {
  findByCustomer(customerId: string): Order[] {
    return ORDERS.filter((order) => order.customerId === customerId);
  }

  openTicket(customerId: string, ticket: OpenTicketDto) {
    return { ticketId: `T-${Date.now()}`, customerId, ...ticket };
  }
}
