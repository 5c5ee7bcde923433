import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AG_UI_MODULE_OPTIONS, CHAT_MODEL } from './ag-ui.constants.js';
import { AgUiConfigurableModule } from './ag-ui.module-definition.js';
import type { AgUiModuleOptions } from './ag-ui.options.js';
import { AG_UI_OPTIONS_CHECK, checkModuleOptions } from './ag-ui-options.check.js';
import { AgentCatalog } from './agent/agent.catalog.js';
import { AgentRunner } from './agent/agent.runner.js';
import { AgentInfoService } from './http/agent-info.service.js';
import { RunAccess } from './access/run-access.service.js';
import { ThreadAccess } from './access/thread-access.service.js';
import { GuardResolver } from './http/guard.resolver.js';
import { APPROVAL_AUDIT } from './interrupts/approval-auditor.js';
import { InterruptService } from './interrupts/interrupt.service.js';
import { LoggerApprovalAuditor } from './interrupts/logger-approval.auditor.js';
import { InMemoryInterruptStore } from './stores/in-memory-interrupt.store.js';
import { INTERRUPT_STORE } from './stores/interrupt.store.js';
import { InMemoryThreadOwnershipStore } from './stores/in-memory-thread-ownership.store.js';
import { THREAD_OWNERSHIP_STORE } from './stores/thread-ownership.store.js';
import { InMemoryRunSlotsStore } from './stores/in-memory-run-slots.store.js';
import { RUN_SLOTS_STORE } from './stores/run-slots.store.js';
import { RunAdmission } from './http/run-admission.service.js';
import { AG_UI_HTTP_SETTINGS, resolveHttpSettings, type AgUiHttpSettings } from './http/http-settings.js';
import { KeepAliveTicker } from './protocol/keep-alive.ticker.js';
import { AgUiMetrics } from './metrics/ag-ui.metrics.js';
import { createChatModel } from './models/chat-model.factory.js';
import { JsonSchemaValidator } from './tools/schema/json-schema.validator.js';
import { ToolSchemaResolver } from './tools/schema/tool-schema.resolver.js';
import { ToolExplorer } from './tools/tool.explorer.js';
import { ToolInvoker } from './tools/tool.invoker.js';
import { ToolRegistry } from './tools/tool.registry.js';

/**
 * The AG-UI endpoint for a Nest app: `AgUiModule.forRoot({ agents, ... })` or
 * `forRootAsync({ imports, inject, useFactory, path, guards })`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: AG_UI_OPTIONS_CHECK, useFactory: checkModuleOptions, inject: [AG_UI_MODULE_OPTIONS] },
    { provide: CHAT_MODEL, useFactory: createChatModel, inject: [AG_UI_MODULE_OPTIONS] },
    { provide: AG_UI_HTTP_SETTINGS, useFactory: (options: AgUiModuleOptions) => resolveHttpSettings(options), inject: [AG_UI_MODULE_OPTIONS] },
    { provide: KeepAliveTicker, useFactory: (settings: AgUiHttpSettings) => new KeepAliveTicker(settings.keepAliveMs), inject: [AG_UI_HTTP_SETTINGS] },
    AgentCatalog,
    AgentRunner,
    AgentInfoService,
    GuardResolver,
    ThreadAccess,
    RunAccess,
    {
      provide: THREAD_OWNERSHIP_STORE,
      useFactory: (options: AgUiModuleOptions) => options.threadOwnershipStore ?? new InMemoryThreadOwnershipStore(),
      inject: [AG_UI_MODULE_OPTIONS],
    },
    InterruptService,
    RunAdmission,
    {
      provide: RUN_SLOTS_STORE,
      useFactory: (options: AgUiModuleOptions) => options.runSlotsStore ?? new InMemoryRunSlotsStore(),
      inject: [AG_UI_MODULE_OPTIONS],
    },
    {
      provide: INTERRUPT_STORE,
      useFactory: (options: AgUiModuleOptions) => options.interruptStore ?? new InMemoryInterruptStore(),
      inject: [AG_UI_MODULE_OPTIONS],
    },
    {
      provide: APPROVAL_AUDIT,
      useFactory: (options: AgUiModuleOptions) => options.approvalAuditor ?? new LoggerApprovalAuditor(),
      inject: [AG_UI_MODULE_OPTIONS],
    },
    ToolRegistry,
    ToolExplorer,
    ToolInvoker,
    AgUiMetrics,
    ToolSchemaResolver,
    JsonSchemaValidator,
  ],
  exports: [AgentRunner, AgentCatalog, ToolRegistry, CHAT_MODEL, AgUiMetrics],
})
export class AgUiModule extends AgUiConfigurableModule {}
