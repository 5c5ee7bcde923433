/** Injection tokens and metadata keys, in one place. */
export const CHAT_MODEL = Symbol('AG_UI_CHAT_MODEL');
export const AGENT_TOOL_METADATA = 'ag-ui:agent-tool';
export const DEFAULT_PATH = 'agents';
export const DEFAULT_MODEL = 'gpt-4o-mini';
