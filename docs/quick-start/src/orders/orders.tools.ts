// orders/orders.tools.ts: an ordinary provider, found wherever it lives in the app
import { Injectable } from '@nestjs/common';
import { AgentTool, ToolArgs, ToolContext, type AgentRunContext } from 'nestjs-ag-ui';
import type { Customer } from '../auth/jwt.strategy.js';
import { OpenTicketDto } from './open-ticket.dto.js';
import { OrdersRepository } from './orders.repository.js';

@Injectable()
export class OrdersTools {
  constructor(private readonly orders: OrdersRepository) {}

  @AgentTool({ description: "List the current customer's orders" })
  listMyOrders(@ToolContext() ctx: AgentRunContext<Customer>) {
    // Identity comes from your guard (request.user), never from the model or the request body.
    return this.orders.findByCustomer(ctx.user!.id);
  }

  @AgentTool({ description: 'Open a support ticket about a problem with an order' })
  openTicket(@ToolArgs() ticket: OpenTicketDto, @ToolContext() ctx: AgentRunContext<Customer>) {
    return this.orders.openTicket(ctx.user!.id, ticket); // `ticket` is a validated OpenTicketDto
  }
}
