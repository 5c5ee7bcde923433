import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RolesGuard } from './roles.guard.js';
import { UserThrottlerGuard } from './user-throttler.guard.js';

@Module({
  imports: [
    JwtModule.register({
      // Without JWT_SECRET each start signs with a fresh random secret: demo tokens die with the process.
      secret: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
      signOptions: { expiresIn: '1h' },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, JwtAuthGuard, RolesGuard, UserThrottlerGuard],
  exports: [RolesGuard],
})
export class AuthModule {}
