// app-async.module.ts: the same module, configured from ConfigService with forRootAsync
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthGuard } from '@nestjs/passport';
import { AgUiModule } from 'nestjs-ag-ui';
import { AuthModule } from './auth/auth.module.js';
import { OrdersModule } from './orders/orders.module.js';

@Module({
  imports: [
    ConfigModule.forRoot(),
    AuthModule,
    OrdersModule,
    AgUiModule.forRootAsync({
      // path, guards and decorators shape the controller: they go here, beside useFactory,
      // never in what it returns (the bootstrap stops with an error saying so if they are).
      path: 'agents',
      guards: [AuthGuard('jwt')],
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        agents: [{ id: 'support', instructions: 'You help customers with their orders.', model: config.get('OPENAI_MODEL', 'gpt-4o-mini') }],
        openai: { apiKey: config.getOrThrow<string>('OPENAI_API_KEY'), baseURL: config.get<string>('OPENAI_BASE_URL') },
      }),
    }),
  ],
})
export class AppModule {}
