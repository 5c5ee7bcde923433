import type { JsonSchema } from './json-schema.types.js';

/** The outcome of checking the model's arguments: the value the tool receives, or what was wrong. */
export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; problems: string[] };

/** Where a tool's schema came from; shown by the info endpoint. */
export type ToolSchemaSource = 'class-validator' | 'tool-params' | 'standard-schema' | 'json-schema' | 'none';

/**
 * A tool's arguments as one source describes them: the JSON Schema the model is shown (before
 * the strict pass) and the check that same source runs before the tool is called.
 */
export interface ToolSchema {
  readonly source: ToolSchemaSource;
  readonly jsonSchema: JsonSchema;
  check(args: unknown): Promise<ArgumentCheck>;
}
