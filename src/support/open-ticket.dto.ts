import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ToolProperty } from 'nestjs-ag-ui';
import type { Ticket } from './support.data.js';

const PRIORITIES: Ticket['priority'][] = ['low', 'normal', 'high'];

/** The `openTicket` tool's arguments: the model sees this as JSON Schema, and each call is validated against it. */
export class OpenTicketDto {
  @ToolProperty('One-line summary of the problem')
  @IsString()
  @Length(3, 120)
  subject!: string;

  @ToolProperty("What went wrong, in the customer's words")
  @IsString()
  @Length(1, 2000)
  description!: string;

  @IsIn(PRIORITIES)
  priority!: Ticket['priority'];

  @ToolProperty('The order concerned, if any, e.g. ORD-1001')
  @IsOptional()
  @Matches(/^ORD-\d{4}$/)
  orderId?: string;
}
