/** A JSON Schema object, kept loose: sources (zod, class-validator, hand-written) emit different drafts. */
export type JsonSchema = { [keyword: string]: unknown };

/** A plain JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema in object form; boolean schemas (`true` / `false`) are not. */
export function isJsonSchemaObject(value: unknown): value is JsonSchema {
  return isJsonObject(value);
}

/** Keywords whose value maps names to subschemas: the names are data, never keywords. */
const SUBSCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies']);

/** Keywords whose value is instance data, which can look like a schema but never is one. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples']);

/**
 * A copy of `schema` with `visit` applied to every object subschema; everything else is deep-copied.
 * Unknown keywords holding objects are taken for subschemas, so vendor extensions are walked too.
 */
export function mapSubschemas(schema: JsonSchema, visit: (subschema: JsonSchema) => unknown): JsonSchema {
  return Object.fromEntries(
    Object.entries(schema).map(([keyword, value]) => {
      if (DATA_KEYWORDS.has(keyword)) return [keyword, structuredClone(value)];
      if (SUBSCHEMA_MAPS.has(keyword) && isJsonObject(value)) return [keyword, mapEntries(value, visit)];
      return [keyword, Array.isArray(value) ? value.map((item) => visitOrCopy(item, visit)) : visitOrCopy(value, visit)];
    }),
  );
}

function mapEntries(map: { [name: string]: unknown }, visit: (subschema: JsonSchema) => unknown): { [name: string]: unknown } {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, visitOrCopy(value, visit)]));
}

function visitOrCopy(value: unknown, visit: (subschema: JsonSchema) => unknown): unknown {
  return isJsonSchemaObject(value) ? visit(value) : structuredClone(value);
}

/** A shallow copy without the given keywords. */
export function omitKeywords(schema: JsonSchema, keywords: ReadonlySet<string>): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([keyword]) => !keywords.has(keyword)));
}
