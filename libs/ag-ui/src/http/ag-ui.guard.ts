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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (Reflect.getMetadata(AG_UI_PUBLIC_HANDLER, context.getHandler())) return true;
    for (const guard of this.resolver.guards) {
      if (!(await toPromise(guard.canActivate(context)))) throw new ForbiddenException('Forbidden resource');
    }
    return true;
  }
}

function toPromise(result: boolean | Promise<boolean> | Observable<boolean>): Promise<boolean> {
  return isObservable(result) ? lastValueFrom(result) : Promise.resolve(result);
}
