import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AgUiModule } from 'nestjs-ag-ui';
import { agentOptions, runsPerMinute } from './agent.config.js';
import { AuthModule } from './auth/auth.module.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { UserThrottlerGuard } from './auth/user-throttler.guard.js';
import { SupportModule } from './support/support.module.js';

@Module({
  imports: [
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: runsPerMinute() }]),
    AuthModule,
    SupportModule,
    // JwtAuthGuard sets request.user, then runs are limited per user; both are AuthModule's providers.
    AgUiModule.forRootAsync({ guards: [JwtAuthGuard, UserThrottlerGuard], useFactory: () => agentOptions() }),
  ],
})
export class AppModule {}
