// auth/jwt.strategy.ts
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';

export interface Customer {
  id: string;
  name?: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: process.env.JWT_SECRET ?? '' });
  }

  // What this returns becomes request.user, and ctx.user in every tool call.
  validate(payload: { sub: string; name?: string }): Customer {
    return { id: payload.sub, name: payload.name };
  }
}
