/**
 * The schema rules OpenAI applies to a function tool sent with `strict: true` (Structured
 * Outputs, "Supported schemas"), enforced by the fake server so that a strict schema this
 * project sends that the real API would refuse fails the tests with the API's kind of 400.
 */
const UNSUPPORTED = [
  'allOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'patternProperties',
  'unevaluatedProperties', 'propertyNames', 'minProperties', 'maxProperties', 'unevaluatedItems', 'contains',
  'minContains', 'maxContains', 'uniqueItems', 'minLength', 'maxLength', 'default', '$schema',
];
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const MAX_DEPTH = 10;

type Schema = Record<string, any>;

function problemIn(schema: Schema, context: string[], root: Schema, depth: number): string | undefined {
  const where = `In context=(${context.map((part) => `'${part}'`).join(', ')})`;
  if (depth > MAX_DEPTH) return `${where}, the schema is nested more than ${MAX_DEPTH} levels deep.`;
  if (typeof schema !== 'object' || schema === null) return `${where}, schema must be an object.`;
  for (const keyword of UNSUPPORTED) if (keyword in schema) return `${where}, '${keyword}' is not permitted.`;
  if (schema.$ref !== undefined) {
    const target = resolve(root, schema.$ref);
    return target ? undefined : `${where}, reference '${schema.$ref}' can't be resolved.`;
  }
  if (Array.isArray(schema.anyOf)) {
    for (const [index, branch] of schema.anyOf.entries()) {
      const problem = problemIn(branch, [...context, 'anyOf', String(index)], root, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.type === undefined && schema.enum === undefined && schema.const === undefined) return `${where}, schema must have a 'type' key.`;
  if (schema.type !== undefined && !types.every((type) => TYPES.has(type as string))) return `${where}, unknown type ${JSON.stringify(schema.type)}.`;
  if (types.includes('object')) {
    if (schema.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const keys = Object.keys(schema.properties ?? {});
    const required: unknown = schema.required ?? [];
    const missing = keys.filter((key) => !Array.isArray(required) || !required.includes(key));
    if (missing.length) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    for (const key of keys) {
      const problem = problemIn(schema.properties[key], [...context, 'properties', key], root, depth + 1);
      if (problem) return problem;
    }
  }
  if (types.includes('array')) {
    if (schema.items === undefined) return `${where}, array schema missing items.`;
    return problemIn(schema.items, [...context, 'items'], root, depth + 1);
  }
  return undefined;
}

function resolve(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
}

/** The first strict tool OpenAI would refuse, as the API words it; undefined when all pass. */
export function strictToolProblem(tools: unknown): { message: string; param: string } | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const [index, tool] of tools.entries()) {
    const fn = tool?.function;
    if (fn?.strict !== true) continue;
    const schema = fn.parameters as Schema;
    const rootProblem =
      schema?.type !== 'object' || schema.anyOf !== undefined
        ? "In context=(), schema must be a JSON Schema of 'type: \"object\"', got something else."
        : problemIn(schema, [], schema, 0);
    if (rootProblem) return { message: `Invalid schema for function '${fn.name}': ${rootProblem}`, param: `tools[${index}].function.parameters` };
  }
  return undefined;
}
