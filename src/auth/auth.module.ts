import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { jwtSecret } from './jwt-secret.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';
import { RolesGuard } from './roles.guard.js';
import { UserThrottlerGuard } from './user-throttler.guard.js';

@Module({
  imports: [
    // A factory, so that a missing secret in production stops the boot with jwtSecret()'s message.
    JwtModule.registerAsync({ useFactory: () => ({ secret: jwtSecret(), signOptions: { expiresIn: '1h' } }) }),
  ],
  controllers: [AuthController],
  providers: [AuthService, JwtAuthGuard, RolesGuard, UserThrottlerGuard, LoginThrottlerGuard],
  exports: [RolesGuard],
})
export class AuthModule {}
