import { Inject, Injectable, Scope, UseGuards, type CanActivate, type OnModuleInit, type Provider, type Type } from '@nestjs/common';
import { SCOPE_OPTIONS_METADATA } from '@nestjs/common/constants.js';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';

/** The `guards` of `forRoot()`, as given: classes or instances. */
export const AG_UI_GUARDS = Symbol('AG_UI_GUARDS');

/** Token of the class that carries the configured guard classes as enhancers (see guardProviders). */
const AG_UI_GUARD_SLOTS = Symbol('AG_UI_GUARD_SLOTS');

/**
 * The providers one `forRoot({ guards })` adds. Besides the guards as given, each singleton guard
 * class is registered as an injectable of AgUiModule, the way `@UseGuards()` on a controller
 * registers it: that is where `Test.createTestingModule(...).overrideGuard(X)` looks, and it looks
 * nowhere else. GuardResolver then keeps only the registrations a test replaced.
 */
export function guardProviders(guards: ReadonlyArray<Type<CanActivate> | CanActivate>): Provider[] {
  class AgUiGuardSlots {}
  // Request-scoped and transient guards cannot be shared by the controller's one guard; they are not slots.
  const slots = guards.filter((guard): guard is Type<CanActivate> => typeof guard === 'function' && isSingleton(guard));
  if (slots.length) UseGuards(...slots)(AgUiGuardSlots);
  return [
    { provide: AG_UI_GUARDS, useValue: guards },
    { provide: AG_UI_GUARD_SLOTS, useClass: AgUiGuardSlots },
  ];
}

/**
 * Turns the configured guards into instances at bootstrap. A guard class the app already
 * provides (in its AuthModule, say) is that provider, with that module's dependencies, so
 * nothing needs re-importing here. Otherwise Nest creates it in this module, where the
 * `imports` of `forRootAsync` are visible; if that fails too, the bootstrap says what to do.
 * A guard a testing module replaced with `overrideGuard()` is the replacement.
 */
@Injectable()
export class GuardResolver implements OnModuleInit {
  private resolved: CanActivate[] = [];
  /** Guard classes a testing module replaced: Nest built their stand-ins in this module. */
  private readonly overridden = new Set<Function>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(AG_UI_GUARDS) private readonly configured: Array<Type<CanActivate> | CanActivate>,
    modules: ModulesContainer,
  ) {
    this.releaseSlots(modules);
  }

  get guards(): readonly CanActivate[] {
    return this.resolved;
  }

  async onModuleInit(): Promise<void> {
    this.resolved = await Promise.all(this.configured.map((guard) => (typeof guard === 'function' ? this.instanceOf(guard) : guard)));
  }

  /**
   * Runs while this module's providers are created, before its injectables are: a slot no test
   * replaced is removed, so that Nest does not build the guard here, where the dependencies it
   * has in the app's AuthModule may be missing. This reads Nest's module registry, which has no
   * public form; a slot that a controller's own `@UseGuards()` shares is left to Nest.
   */
  private releaseSlots(modules: ModulesContainer): void {
    const host = [...modules.values()].find((module) => module.providers.get(ModuleRef)?.instance === this.moduleRef);
    const slotsHost = host?.providers.get(AG_UI_GUARD_SLOTS);
    if (!host || !slotsHost) return;
    const hosts = [...host.controllers.values(), ...host.providers.values()].filter((wrapper) => wrapper !== slotsHost);
    for (const guard of this.configured) {
      if (typeof guard !== 'function') continue;
      const slot = host.injectables.get(guard) as InstanceWrapper | undefined;
      if (!slot) continue;
      // An override replaces the wrapper's class (useClass, useFactory) or drops it (useValue).
      if (slot.metatype !== guard) this.overridden.add(guard);
      else if (!hosts.some((wrapper) => wrapper.getEnhancersMetadata()?.includes(slot))) host.injectables.delete(guard);
    }
  }

  private async instanceOf(type: Type<CanActivate>): Promise<CanActivate> {
    if (this.overridden.has(type)) return this.moduleRef.get(type, { strict: true });
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

function isSingleton(type: Type<unknown>): boolean {
  const scope = (Reflect.getMetadata(SCOPE_OPTIONS_METADATA, type) as { scope?: Scope } | undefined)?.scope;
  return scope === undefined || scope === Scope.DEFAULT;
}
