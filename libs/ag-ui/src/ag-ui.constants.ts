/** Injection tokens and metadata keys, in one place. */
export const CHAT_MODEL = Symbol('AG_UI_CHAT_MODEL');
export const AGENT_TOOL_METADATA = 'ag-ui:agent-tool';
export const DEFAULT_PATH = 'agents';
export const DEFAULT_MODEL = 'gpt-4o-mini';
/** Token of the module options; set here rather than generated so services need not import the module definition. */
export const AG_UI_MODULE_OPTIONS = Symbol('AG_UI_MODULE_OPTIONS');
