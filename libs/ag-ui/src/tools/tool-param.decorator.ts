import 'reflect-metadata';
import { TOOL_PARAMS_METADATA, ToolParamtype } from '../ag-ui.constants.js';
import type { JsonSchema } from './schema/json-schema.types.js';
import { assignToolParam, type ToolPipe } from './tool-param.metadata.js';

export interface ToolParamOptions {
  /** What the value means, for the model. */
  description?: string;
  /** The model may leave it out; the method then gets `undefined`. */
  optional?: boolean;
  /** The allowed values. */
  enum?: readonly (string | number | boolean)[];
  /**
   * JSON Schema of the value, for anything the parameter's TypeScript type cannot say
   * (arrays, objects, bounds, patterns); merged over the schema derived from that type.
   */
  schema?: JsonSchema;
}

/** A declared `@ToolParam()`: its position, argument name and options. */
export interface ToolParamDeclaration {
  index: number;
  name: string;
  options: ToolParamOptions;
}

/**
 * One named argument, for small tools: `add(@ToolParam('a') a: number, @ToolParam('b') b: number)`.
 * Primitive types come from the parameter's TypeScript type; richer ones from `options.schema`.
 */
export function ToolParam(name: string, options: ToolParamOptions = {}, ...pipes: ToolPipe[]): ParameterDecorator {
  const assign = assignToolParam(ToolParamtype.PARAM, name, pipes);
  return (target, key, index) => {
    assign(target, key, index);
    const declared = (Reflect.getMetadata(TOOL_PARAMS_METADATA, target.constructor, key!) ?? []) as ToolParamDeclaration[];
    Reflect.defineMetadata(TOOL_PARAMS_METADATA, [...declared, { index, name, options }], target.constructor, key!);
  };
}
