// orders/orders.module.ts
import { Module } from '@nestjs/common';
import { OrdersRepository } from './orders.repository.js';
import { OrdersTools } from './orders.tools.js';

@Module({ providers: [OrdersRepository, OrdersTools] })
export class OrdersModule {}
