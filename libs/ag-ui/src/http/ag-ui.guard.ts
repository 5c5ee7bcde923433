import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { GuardResolver } from './guard.resolver.js';

/** Marks the info endpoint's handler when `infoEndpoint: 'public'` leaves it to the app's global guards alone. */
export const AG_UI_PUBLIC_HANDLER = 'ag-ui:public-handler';

/**
 * Runs the guards of `forRoot({ guards })` in order, as `@UseGuards()` would, but with
 * instances resolved from the whole app (see GuardResolver). The app's global guards
 * (`APP_GUARD`) run before it, as on any controller.
 */
@Injectable()
export class AgUiGuard implements CanActivate {
  constructor(private readonly resolver: GuardResolver) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (Reflect.getMetadata(AG_UI_PUBLIC_HANDLER, context.getHandler())) return true;
    return this.activate(context, 0);
  }

  /** Guards that answer synchronously are run synchronously: a promise only where a guard returns one. */
  private activate(context: ExecutionContext, from: number): boolean | Promise<boolean> {
    const guards = this.resolver.guards;
    for (let index = from; index < guards.length; index++) {
      const result = guards[index]!.canActivate(context);
      if (typeof result === 'boolean') {
        if (!result) throw new ForbiddenException('Forbidden resource');
        continue;
      }
      return toPromise(result).then((allowed) => {
        if (!allowed) throw new ForbiddenException('Forbidden resource');
        return this.activate(context, index + 1);
      });
    }
    return true;
  }
}

function toPromise(result: Promise<boolean> | Observable<boolean>): Promise<boolean> {
  return isObservable(result) ? lastValueFrom(result) : result;
}
