import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedUser } from './authenticated-user.js';

const ROLES = 'roles';

/** The roles a handler (a route, or an agent tool) needs. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

/** Checks `@Roles()` against the authenticated user; on a tool it also decides whether the model is offered the tool. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const needed = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, [context.getHandler(), context.getClass()]) ?? [];
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    return needed.every((role) => user?.roles.includes(role));
  }
}
