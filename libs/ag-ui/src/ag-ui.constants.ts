/** Injection tokens and metadata keys, in one place. */
export const CHAT_MODEL = Symbol('AG_UI_CHAT_MODEL');
export const AGENT_TOOL_METADATA = 'ag-ui:agent-tool';
/** `@ToolParam()` declarations of a method, in parameter order; they become its argument schema. */
export const TOOL_PARAMS_METADATA = 'ag-ui:tool-params';
/** `@ToolProperty()` descriptions of a DTO's properties. */
export const TOOL_PROPERTY_METADATA = 'ag-ui:tool-property';
export const DEFAULT_PATH = 'agents';
export const DEFAULT_MODEL = 'gpt-4o-mini';
/** Token of the module options; set here rather than generated so services need not import the module definition. */
export const AG_UI_MODULE_OPTIONS = Symbol('AG_UI_MODULE_OPTIONS');

/** What `ExecutionContext.getType()` returns inside a tool call, so guards and interceptors can tell it from HTTP. */
export const AG_UI_TOOL_CONTEXT = 'ag-ui-tool';

/**
 * Parameter kinds of tool methods, stored beside Nest's own route parameters so that the app's
 * `createParamDecorator()` decorators and `@Req()` keep working; numbered clear of `RouteParamtypes`.
 */
export enum ToolParamtype {
  ARGS = 40,
  PARAM = 41,
  CONTEXT = 42,
}
