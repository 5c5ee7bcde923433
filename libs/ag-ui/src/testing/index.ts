/**
 * `nestjs-ag-ui/testing`: tools for your own tests of your agents. See docs/testing.md.
 * Internals are imported by relative path, so that this entry and the main one share one copy
 * of the module's classes and tokens.
 */
export { ScriptedChatModel, type ScriptedChatModelOptions, type RecordedModelRequest } from './scripted.chat-model.js';
export { ScriptedTurn, reply, type ScriptedStep, type ScriptedToolCallOptions, type ScriptedErrorOptions } from './scripted-turn.js';
export { runAgentOverHttp, type HttpRunOptions } from './http-run.js';
export { runAgentDirectly, type DirectRunOptions } from './direct-run.js';
export type { RunAgentOptions } from './run-options.js';
export { AgentRunResult, type RunToolCall } from './agent-run.result.js';
export { AgentRunRefusedError } from './agent-run-refused.error.js';
export { checkRunEvents, RunCheckError, type RunCheckOptions, type ClientEventChecks } from './run-events.check.js';
export { parseSse } from './sse.parser.js';
