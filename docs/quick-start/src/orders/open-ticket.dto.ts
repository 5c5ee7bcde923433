// orders/open-ticket.dto.ts: the model sees this as the tool's JSON Schema; its answers are validated against it
import { IsIn, IsString, Length, Matches } from 'class-validator';

export class OpenTicketDto {
  @Matches(/^ORD-\d{4}$/)
  orderId!: string;

  @IsString()
  @Length(3, 500)
  problem!: string;

  @IsIn(['low', 'normal', 'high'])
  priority!: 'low' | 'normal' | 'high';
}
