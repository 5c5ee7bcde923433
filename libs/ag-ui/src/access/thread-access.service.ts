import { Inject, Injectable, Logger } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import { AuthenticationRequiredError, ThreadForbiddenError } from '../errors/ag-ui.error.js';
import { THREAD_OWNERSHIP_STORE, type ThreadOwnershipStore } from '../stores/thread-ownership.store.js';

/** The fields a user object from passport, a JWT payload or an API-key guard usually names itself by. */
const ID_FIELDS = ['id', 'sub', 'userId', 'username', 'email'] as const;

function defaultPrincipalOf(user: unknown): string | undefined {
  if (typeof user === 'string') return user;
  if (typeof user !== 'object' || user === null) return undefined;
  for (const field of ID_FIELDS) {
    const value = (user as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * Who may run on a thread. The principal comes from `request.user` as the app's guards left
 * it, never from the body; the first principal to run on a thread owns it. In anonymous mode
 * (no guard sets a user, and the module was told so) threads have no owner.
 */
@Injectable()
export class ThreadAccess {
  private readonly logger = new Logger('AgUi');
  private readonly anonymous: boolean;
  private readonly principalOf: (user: unknown) => string | undefined;

  constructor(
    @Inject(THREAD_OWNERSHIP_STORE) private readonly store: ThreadOwnershipStore,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.anonymous = options.anonymous ?? false;
    this.principalOf = options.principalOf ?? defaultPrincipalOf;
  }

  /** The run's principal, from `request.user`; undefined in anonymous mode. A run without a user is a 401. */
  identify(user: unknown): string | undefined {
    if (user === undefined || user === null) {
      if (this.anonymous) return undefined;
      this.logger.warn('A run came without request.user: add a guard that authenticates, or set anonymous: true to allow runs without one');
      throw new AuthenticationRequiredError();
    }
    const principal = this.principalOf(user);
    if (principal === undefined || principal === '') {
      throw new Error(`request.user has none of ${ID_FIELDS.join(', ')}: give AgUiModule a principalOf(user) that returns its id`);
    }
    return principal;
  }

  /** Claims `threadId` for the principal unless another owns it (a 403); anonymous runs claim nothing. */
  async claim(threadId: string, principal: string | undefined): Promise<void> {
    if (principal === undefined) return;
    const owner = await this.store.claim(threadId, principal);
    if (owner !== principal) throw new ThreadForbiddenError();
  }
}
