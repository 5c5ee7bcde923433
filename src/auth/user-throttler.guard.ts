import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedUser } from './authenticated-user.js';

/**
 * Rate limits by principal rather than by IP: users behind one proxy do not share a budget,
 * and one user cannot dodge it from many addresses. It runs after JwtAuthGuard, which sets the user.
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: { user?: AuthenticatedUser; ip?: string }): Promise<string> {
    return request.user ? `user:${request.user.id}` : `ip:${request.ip ?? 'unknown'}`;
  }
}
