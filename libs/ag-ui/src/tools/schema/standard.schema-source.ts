import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import { formatProblem } from './argument-problem.js';
import type { JsonSchema } from './json-schema.types.js';
import type { ToolSchema } from './tool-schema.interface.js';

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return typeof value === 'object' && value !== null && typeof (value as StandardSchemaV1)['~standard']?.validate === 'function';
}

function jsonSchemaOf(schema: StandardSchemaV1, source: string): JsonSchema {
  const converter = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']?.jsonSchema;
  const vendor = schema['~standard'].vendor;
  if (!converter) {
    throw new Error(
      `@AgentTool() on ${source}: the ${vendor} schema has no JSON Schema form (Standard JSON Schema). ` +
        (vendor === 'valibot' ? 'Wrap it with toStandardJsonSchema() from @valibot/to-json-schema.' : 'Use a version of the library that implements it, or pass a JSON Schema.'),
    );
  }
  try {
    return converter.input({ target: 'draft-2020-12' }) as JsonSchema;
  } catch (error) {
    throw new Error(`@AgentTool() on ${source}: the ${vendor} schema cannot be described as JSON Schema: ${(error as Error).message}`);
  }
}

/** Zod 4, Valibot, ArkType and peers: the library validates, its Standard JSON Schema describes. */
export function standardToolSchema(schema: StandardSchemaV1, source: string): ToolSchema {
  return {
    source: 'standard-schema',
    jsonSchema: jsonSchemaOf(schema, source),
    async check(args) {
      const result = await schema['~standard'].validate(args);
      if (!result.issues) return { ok: true, value: result.value };
      return {
        ok: false,
        problems: result.issues.map((issue) =>
          formatProblem((issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment)), issue.message),
        ),
      };
    },
  };
}
