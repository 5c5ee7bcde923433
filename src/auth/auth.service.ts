import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { timingSafeEqual } from 'node:crypto';
import type { AuthenticatedUser } from './authenticated-user.js';
import { DEMO_USERS } from './demo-users.js';

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Injectable()
export class AuthService {
  constructor(private readonly jwt: JwtService) {}

  async login(username: unknown, password: unknown): Promise<{ access_token: string }> {
    const user = DEMO_USERS.find((candidate) => candidate.id === username);
    if (!user || typeof password !== 'string' || !samePassword(password, user.password)) throw new UnauthorizedException('Wrong username or password');
    return { access_token: await this.jwt.signAsync({ sub: user.id, roles: user.roles }) };
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    const payload = await this.jwt.verifyAsync<{ sub: string; roles?: string[] }>(token);
    return { id: payload.sub, roles: payload.roles ?? [] };
  }
}
