import type { AgUiModuleExtras, AgUiModuleOptions } from './ag-ui.options.js';

/** Token of the check below: a provider nobody injects, so that Nest runs it at bootstrap. */
export const AG_UI_OPTIONS_CHECK = Symbol('AG_UI_OPTIONS_CHECK');

const EXTRAS: ReadonlyArray<keyof AgUiModuleExtras> = ['path', 'guards', 'decorators', 'infoEndpoint'];

/**
 * The extras shape the controller class, so they must sit beside `useFactory` in `forRootAsync`,
 * not in what it returns: there they would be ignored, and the endpoint would run without its guards
 * (a 401 on every run, or worse, no guard at all), with nothing saying why. Refuse the bootstrap instead.
 */
export function checkModuleOptions(options: AgUiModuleOptions): true {
  const misplaced = EXTRAS.filter((key) => (options as AgUiModuleOptions & AgUiModuleExtras)[key] !== undefined);
  if (misplaced.length) {
    const names = misplaced.map((key) => `'${key}'`).join(', ');
    throw new Error(
      `AgUiModule.forRootAsync: the factory returned ${names}, which the module reads only when the controller is defined. ` +
        `Pass ${misplaced.length > 1 ? 'them' : 'it'} beside useFactory instead: AgUiModule.forRootAsync({ ${misplaced.join(', ')}, imports, inject, useFactory }).`,
    );
  }
  return true;
}
