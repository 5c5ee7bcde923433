import { ToolParamtype } from '../ag-ui.constants.js';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import { assignToolParam, type ToolPipe } from './tool-param.metadata.js';

/**
 * The run's context: the user the guards authenticated, the request, thread, run, state,
 * abort signal and logger. `@ToolContext('user')` injects one field.
 */
export const ToolContext = (field?: keyof AgentRunContext, ...pipes: ToolPipe[]): ParameterDecorator =>
  assignToolParam(ToolParamtype.CONTEXT, field, pipes);
