import 'reflect-metadata';
import { TOOL_PROPERTY_METADATA } from '../ag-ui.constants.js';
import type { JsonSchema } from './schema/json-schema.types.js';

export interface ToolPropertyOptions {
  /** What the property means, for the model. */
  description?: string;
  /** JSON Schema keywords merged over what the class-validator decorators produce. */
  schema?: JsonSchema;
}

/** Describes a DTO property to the model; its validation still comes from class-validator's decorators. */
export function ToolProperty(options: ToolPropertyOptions | string): PropertyDecorator {
  const normalized = typeof options === 'string' ? { description: options } : options;
  return (target, key) => {
    const declared = (Reflect.getMetadata(TOOL_PROPERTY_METADATA, target.constructor) ?? {}) as Record<string | symbol, ToolPropertyOptions>;
    Reflect.defineMetadata(TOOL_PROPERTY_METADATA, { ...declared, [key]: normalized }, target.constructor);
  };
}

/** The `@ToolProperty()` options of a DTO class and its ancestors, nearest first. */
export function toolPropertiesOf(type: Function): Record<string, ToolPropertyOptions> {
  return (Reflect.getMetadata(TOOL_PROPERTY_METADATA, type) ?? {}) as Record<string, ToolPropertyOptions>;
}
