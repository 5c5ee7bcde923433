import { Inject, Injectable, type CanActivate, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/** The `guards` of `forRoot()`, as given: classes or instances. */
export const AG_UI_GUARDS = Symbol('AG_UI_GUARDS');

/**
 * Turns the configured guards into instances at bootstrap. A guard class the app already
 * provides (in its AuthModule, say) is that provider, with that module's dependencies, so
 * nothing needs re-importing here. Otherwise Nest creates it in this module, where the
 * `imports` of `forRootAsync` are visible; if that fails too, the bootstrap says what to do.
 */
@Injectable()
export class GuardResolver implements OnModuleInit {
  private resolved: CanActivate[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(AG_UI_GUARDS) private readonly configured: Array<Type<CanActivate> | CanActivate>,
  ) {}

  get guards(): readonly CanActivate[] {
    return this.resolved;
  }

  async onModuleInit(): Promise<void> {
    this.resolved = await Promise.all(this.configured.map((guard) => (typeof guard === 'function' ? this.instanceOf(guard) : guard)));
  }

  private async instanceOf(type: Type<CanActivate>): Promise<CanActivate> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      // Not a provider anywhere: built here.
    }
    try {
      return await this.moduleRef.create(type);
    } catch (error) {
      throw new Error(
        `AgUiModule cannot create the guard ${type.name}. Provide ${type.name} in the module that has its dependencies ` +
          `(for example your AuthModule), or import that module with forRootAsync({ imports }). Nest said: ${(error as Error).message}`,
      );
    }
  }
}
