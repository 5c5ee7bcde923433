import { ConfigurableModuleBuilder } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AgUiModuleExtras, AgUiModuleOptions } from './ag-ui.options.js';
import { AG_UI_MODULE_OPTIONS, DEFAULT_PATH } from './ag-ui.constants.js';
import { createAgUiController } from './http/ag-ui.controller.js';
import { BodyReadingCheck } from './http/body-reading.check.js';
import { guardProviders } from './http/guard.resolver.js';

export const {
  ConfigurableModuleClass: AgUiConfigurableModule,
  OPTIONS_TYPE: AG_UI_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AG_UI_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AgUiModuleOptions>({ moduleName: 'AgUi', optionsInjectionToken: AG_UI_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  // Path, guards and decorators shape the controller class itself, so they are fixed at definition time.
  .setExtras<AgUiModuleExtras>({ path: DEFAULT_PATH, guards: [], decorators: [], infoEndpoint: 'guarded' }, (definition, extras) => ({
    ...definition,
    controllers: [...(definition.controllers ?? []), createAgUiController(extras)],
    providers: [
      ...(definition.providers ?? []),
      ...guardProviders(extras.guards ?? []),
      // Knows the path, so it lives with the controller: keeps platform parsers off the module's bodies.
      { provide: BodyReadingCheck, useFactory: (host: HttpAdapterHost) => new BodyReadingCheck(host, extras.path ?? DEFAULT_PATH), inject: [HttpAdapterHost] },
    ],
  }))
  .build();
