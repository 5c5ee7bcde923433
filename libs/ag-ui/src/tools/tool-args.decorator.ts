import { ToolParamtype } from '../ag-ui.constants.js';
import { assignToolParam, type ToolPipe } from './tool-param.metadata.js';

/**
 * The validated arguments object. Typed with a class-validator DTO, the DTO is the tool's
 * schema and the method gets an instance of it; otherwise the schema comes from
 * `@AgentTool({ parameters })`. Pipes given here run after validation.
 */
export const ToolArgs = (...pipes: ToolPipe[]): ParameterDecorator => assignToolParam(ToolParamtype.ARGS, undefined, pipes);
