import { SetMetadata } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { AGENT_TOOL_METADATA } from '../ag-ui.constants.js';
import type { JsonSchema } from './schema/json-schema.types.js';

export interface AgentToolOptions {
  /** Name the model calls; defaults to the method name. */
  name?: string;
  /** What the tool does, for the model. Required: a tool without one is a bootstrap error. */
  description: string;
  /**
   * The arguments' schema when it is not a DTO-typed `@ToolArgs()` or `@ToolParam()`s:
   * a Standard Schema (zod 4, valibot via `toStandardJsonSchema`, ArkType), a class-validator
   * DTO class, or a raw JSON Schema object.
   */
  parameters?: StandardSchemaV1 | JsonSchema | (new (...args: any[]) => object);
  /** Agents that may use the tool; every agent when absent. */
  agents?: string[];
  /** Longest run time of one call, overriding the module's `toolTimeoutMs`. */
  timeoutMs?: number;
  /**
   * Ask the provider to hold the model to the schema exactly (OpenAI `strict`). Defaults to the
   * module's `strictTools` (true); a schema that cannot be made strict is sent without it, with a warning.
   */
  strict?: boolean;
}

/**
 * Marks a provider method as a tool the agents can call. Its parameters come from
 * `@ToolArgs()`, `@ToolParam()`, `@ToolContext()` and the app's own parameter decorators;
 * a method with none of them is called as `(args, context)`.
 */
export const AgentTool = (options: AgentToolOptions): MethodDecorator => SetMetadata(AGENT_TOOL_METADATA, options);
