import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthService } from './auth.service.js';

/** Bearer JWT → `request.user`, as an app's usual JWT guard does; the AG-UI endpoint uses it through forRoot's `guards`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('A bearer token is required: POST /auth/login');
    try {
      request.user = await this.auth.verify(token);
    } catch {
      throw new UnauthorizedException('The bearer token is invalid or expired');
    }
    return true;
  }
}
