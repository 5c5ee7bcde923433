export { AgUiModule } from './ag-ui.module.js';
export type { AgUiModuleOptions, AgUiModuleExtras, AgentDefinition, RetryOptions, RunBoundOptions, RunEventOptions } from './ag-ui.options.js';
export { AG_UI_MODULE_OPTIONS, CHAT_MODEL } from './ag-ui.constants.js';

export { AgentRunner } from './agent/agent.runner.js';
export { AgUiMetrics, type AgUiMetricsSnapshot } from './metrics/ag-ui.metrics.js';
export type { EventSink } from './agent/event-sink.js';
export type { AgentRunContext, ToolCallApproval } from './agent/agent-run-context.js';

export { AG_UI_TOOL_CONTEXT } from './ag-ui.constants.js';
export {
  AgentTool,
  type AgentToolOptions,
  type ApprovalEditCheck,
  type ApprovalEditContext,
  type ToolApprovalOptions,
  type ToolApprovalPredicate,
} from './tools/agent-tool.decorator.js';
export { ToolArgs } from './tools/tool-args.decorator.js';
export { ToolParam, type ToolParamOptions } from './tools/tool-param.decorator.js';
export { ToolContext } from './tools/tool-context.decorator.js';
export { ToolProperty, type ToolPropertyOptions } from './tools/tool-property.decorator.js';
export { getToolInvocation, type ToolInvocation } from './tools/tool-invocation.js';
export type { JsonSchema } from './tools/schema/json-schema.types.js';
export type { ToolSchemaSource } from './tools/schema/tool-schema.interface.js';

export type { ChatModel, ChatModelChunk, ChatModelRequest, ModelToolDefinition } from './models/chat-model.interface.js';
export { OpenAIChatModel, type OpenAIChatModelOptions } from './models/openai.chat-model.js';
export { OfflineChatModel, type OfflineChatModelOptions } from './models/offline.chat-model.js';

export type { InputLimits } from './protocol/input-limits.js';
export { agUiBodyGate } from './http/body-reading.check.js';
export { THREAD_OWNERSHIP_STORE, type ThreadOwnershipStore } from './stores/thread-ownership.store.js';
export { InMemoryThreadOwnershipStore, type InMemoryThreadOwnershipStoreOptions } from './stores/in-memory-thread-ownership.store.js';
export { INTERRUPT_STORE, type InterruptStore } from './stores/interrupt.store.js';
export { InMemoryInterruptStore, type InMemoryInterruptStoreOptions } from './stores/in-memory-interrupt.store.js';
export { RUN_SLOTS_STORE, type RunSlotsStore } from './stores/run-slots.store.js';
export { InMemoryRunSlotsStore } from './stores/in-memory-run-slots.store.js';
export type { PendingInterrupt } from './interrupts/pending-interrupt.js';
export { TOOL_APPROVAL_REASON } from './interrupts/interrupt.service.js';
export { APPROVAL_AUDIT, type ApprovalAuditor, type ApprovalAuditEntry, type ApprovalOutcome } from './interrupts/approval-auditor.js';
export { LoggerApprovalAuditor } from './interrupts/logger-approval.auditor.js';

export {
  AgUiError,
  AuthenticationRequiredError,
  ThreadForbiddenError,
  InterruptPendingError,
  InterruptNotPendingError,
  InterruptExpiredError,
  EditsNotAllowedError,
  EditRefusedError,
  AuditUnavailableError,
  AgentNotFoundError,
  RunLimitError,
  RunTimeoutError,
  ModelDeadlineError,
  RunOutputLimitError,
  TooManyRunsError,
  ServerBusyError,
  InvalidRunInputError,
  ModelError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type ModelErrorCode,
} from './errors/ag-ui.error.js';
