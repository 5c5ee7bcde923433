import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

/** Login attempts a minute for one user name (LOGIN_ATTEMPTS_PER_MINUTE, default 5) and from one IP (LOGINS_PER_MINUTE_PER_IP, default 20). */
export function loginLimits(env: NodeJS.ProcessEnv = process.env): { perUser: number; perIp: number } {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return { perUser: read('LOGIN_ATTEMPTS_PER_MINUTE', 5), perIp: read('LOGINS_PER_MINUTE_PER_IP', 20) };
}

/** The user name an attempt is for, lower-cased and cut: its key in the throttler's store is a hash either way. */
function userNameOf(request: { body?: { username?: unknown } }): string {
  const name = request.body?.username;
  return typeof name === 'string' ? name.trim().toLowerCase().slice(0, 128) : '(none)';
}

/**
 * Password guessing is slowed per user name (one account attacked from many addresses) and per
 * IP (many accounts tried from one). These throttlers are the guard's own, not the module-wide
 * ones that limit runs. A refusal is Nest's 429 JSON with a plain `Retry-After`.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    const { perUser, perIp } = loginLimits();
    this.throttlers = [
      { name: 'login-user', ttl: 60_000, limit: perUser, getTracker: (req) => `user:${userNameOf(req)}` },
      { name: 'login-ip', ttl: 60_000, limit: perIp, getTracker: (req) => `ip:${req.ip ?? 'unknown'}` },
    ];
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // Named throttlers answer `Retry-After-<name>`; clients and proxies read the plain header.
    this.setResponseHeader(context.switchToHttp().getResponse(), 'Retry-After', detail.timeToBlockExpire);
    return super.throwThrottlingException(context, detail);
  }
}
