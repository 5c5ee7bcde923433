import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { LoginThrottlerGuard } from './login-throttler.guard.js';

/** `POST /auth/login {"username","password"}` → `{ access_token }` for the demo users. */
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(200)
  login(@Body() body: { username?: unknown; password?: unknown } = {}) {
    return this.auth.login(body.username, body.password);
  }
}
