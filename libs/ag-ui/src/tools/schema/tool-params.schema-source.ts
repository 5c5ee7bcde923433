import type { ToolParamDeclaration } from '../tool-param.decorator.js';
import type { JsonSchema } from './json-schema.types.js';
import type { JsonSchemaValidator } from './json-schema.validator.js';
import type { ToolSchema } from './tool-schema.interface.js';

const PRIMITIVES = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
]);

function propertySchema(declaration: ToolParamDeclaration, designType: unknown, source: string): JsonSchema {
  const { options, name } = declaration;
  const derived = PRIMITIVES.get(designType);
  if (!derived && !options.schema && !options.enum) {
    const typeName = (designType as { name?: string } | undefined)?.name ?? 'unknown';
    throw new Error(`@ToolParam('${name}') on ${source} has type ${typeName}, which says nothing to the model: give its JSON Schema in options.schema`);
  }
  return {
    ...derived,
    ...(options.enum ? { enum: [...options.enum] } : {}),
    ...options.schema,
    ...(options.description ? { description: options.description } : {}),
  };
}

/** `@ToolParam()` parameters: one property each, typed from TypeScript's metadata, checked with ajv. */
export function toolParamsSchema(declarations: ToolParamDeclaration[], paramTypes: unknown[], source: string, validator: JsonSchemaValidator): ToolSchema {
  const ordered = [...declarations].sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  for (const { name } of ordered) {
    if (seen.has(name)) throw new Error(`@ToolParam('${name}') is declared twice on ${source}`);
    seen.add(name);
  }
  const jsonSchema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(ordered.map((declaration) => [declaration.name, propertySchema(declaration, paramTypes[declaration.index], source)])),
    required: ordered.filter((declaration) => !declaration.options.optional).map((declaration) => declaration.name),
    additionalProperties: false,
  };
  const check = validator.compile(jsonSchema);
  return { source: 'tool-params', jsonSchema, check: async (args) => check(args) };
}
