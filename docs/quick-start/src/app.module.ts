// app.module.ts
import { Module } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AgUiModule } from 'nestjs-ag-ui';
import { AuthModule } from './auth/auth.module.js';
import { OrdersModule } from './orders/orders.module.js';

@Module({
  imports: [
    AuthModule,
    OrdersModule,
    AgUiModule.forRoot({
      agents: [{ id: 'support', instructions: 'You help customers with their orders.', model: 'gpt-4o-mini' }],
      // Your guard sets request.user; tools get it as ctx.user. Reads OPENAI_API_KEY / OPENAI_BASE_URL
      // unless you pass `openai` or `chatModel`.
      guards: [AuthGuard('jwt')],
    }),
  ],
})
export class AppModule {}
