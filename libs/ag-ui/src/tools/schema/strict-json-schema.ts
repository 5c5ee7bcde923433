import { inlineRefs, RecursiveSchemaError, resolveRef } from './json-schema.refs.js';
import { isJsonObject, isJsonSchemaObject, mapSubschemas, omitKeywords, type JsonSchema } from './json-schema.types.js';

export interface StrictSchemaResult {
  schema: JsonSchema;
  strict: boolean;
  /** Why the schema could not be made strict; `schema` is then the loose form. */
  reason?: string;
}

type Path = readonly string[];

const META_KEYWORDS: ReadonlySet<string> = new Set(['$schema', '$id', '$comment']);

/** `additionalItems` only means something beside a tuple `items`, which strict mode refuses anyway. */
const STRICT_DROPPED: ReadonlySet<string> = new Set([...META_KEYWORDS, 'definitions', '$defs', 'default', 'examples', 'additionalItems']);

/** Refused by OpenAI strict mode; moved into the description so the model still sees them. */
const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'unevaluatedProperties',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  'unevaluatedItems',
  'not',
  'if',
  'then',
  'else',
]);

/** Keywords a single `allOf` member may bring even when its parent says otherwise: the parent wins. */
const OVERRIDABLE: ReadonlySet<string> = new Set(['description', 'title']);

const NULL_SCHEMA: JsonSchema = { type: 'null' };

/** Thrown inside the strict pass for a construct strict mode cannot express; becomes the reason. */
class NotStrictError extends Error {}

/** The non-strict form: what providers without strict mode are offered. */
export function toLooseJsonSchema(schema: JsonSchema): JsonSchema {
  return withObjectRoot(stripKeywords(inlineIfPossible(schema), META_KEYWORDS));
}

function inlineIfPossible(schema: JsonSchema): JsonSchema {
  try {
    return inlineRefs(schema);
  } catch (error) {
    if (error instanceof RecursiveSchemaError) return schema;
    throw error;
  }
}

function stripKeywords(schema: JsonSchema, keywords: ReadonlySet<string>): JsonSchema {
  return mapSubschemas(omitKeywords(schema, keywords), (sub) => stripKeywords(sub, keywords));
}

/** Providers want an object at the root, with `properties` even when there are none. */
function withObjectRoot(schema: JsonSchema): JsonSchema {
  const typed = schema.type === undefined ? { type: 'object', ...schema } : schema;
  return typed.type === 'object' && typed.properties === undefined ? { ...typed, properties: {} } : typed;
}

/**
 * The form OpenAI accepts for a function tool with `strict: true`: refs inlined, every object
 * closed and fully required, optional properties made nullable instead. When the schema has
 * no such form, the loose form comes back with `strict: false` and the reason.
 */
export function toStrictJsonSchema(schema: JsonSchema): StrictSchemaResult {
  try {
    return { schema: strictRoot(inlineRefs(schema)), strict: true };
  } catch (error) {
    if (error instanceof RecursiveSchemaError || error instanceof NotStrictError) {
      return { schema: toLooseJsonSchema(schema), strict: false, reason: error.message };
    }
    throw error;
  }
}

function strictRoot(schema: JsonSchema): JsonSchema {
  const root = prepare(schema, []);
  if (root.anyOf !== undefined) throw new NotStrictError('the root schema is an anyOf: strict mode needs one object schema at the root');
  const untyped = root.type === undefined && root.enum === undefined && root.const === undefined;
  const typed = untyped ? { type: 'object', ...root } : root;
  if (typed.type !== 'object') throw new NotStrictError(`the root schema must be type "object", not ${JSON.stringify(typed.type ?? null)}`);
  return transform(typed, []);
}

function strictSchema(raw: unknown, path: Path): JsonSchema {
  return transform(prepare(raw, path), path);
}

/** Normalises one schema level: drops what strict mode ignores, folds `allOf`, renames `oneOf`. */
function prepare(raw: unknown, path: Path): JsonSchema {
  const node = omitKeywords(asSchema(raw, path), STRICT_DROPPED);
  return oneOfToAnyOf(mergeAllOf(node, path), path);
}

function asSchema(raw: unknown, path: Path): JsonSchema {
  if (raw === true) return {};
  if (isJsonSchemaObject(raw)) return raw;
  throw new NotStrictError(`${at(path)}: the schema ${JSON.stringify(raw)} cannot be made strict`);
}

function mergeAllOf(node: JsonSchema, path: Path): JsonSchema {
  const { allOf, ...rest } = node;
  if (allOf === undefined) return node;
  if (!Array.isArray(allOf) || allOf.length > 1) throw new NotStrictError(`${at(path)}: allOf with several schemas cannot be made strict`);
  return allOf.length === 0 ? rest : mergeOver(prepare(allOf[0], [...path, 'allOf', '0']), rest, path);
}

/** `base` with the parent's keywords over it; a real disagreement would need an intersection. */
function mergeOver(base: JsonSchema, parent: JsonSchema, path: Path): JsonSchema {
  for (const [keyword, value] of Object.entries(parent)) {
    if (Object.hasOwn(base, keyword) && !OVERRIDABLE.has(keyword) && JSON.stringify(base[keyword]) !== JSON.stringify(value)) {
      throw new NotStrictError(`${at(path)}: allOf and its parent disagree on "${keyword}", which cannot be made strict`);
    }
  }
  return { ...base, ...parent };
}

/** Strict mode has anyOf only; the validator still holds the arguments to oneOf's "exactly one". */
function oneOfToAnyOf(node: JsonSchema, path: Path): JsonSchema {
  const { oneOf, ...rest } = node;
  if (oneOf === undefined) return node;
  if (rest.anyOf !== undefined) throw new NotStrictError(`${at(path)}: a schema with both anyOf and oneOf cannot be made strict`);
  return { ...rest, anyOf: oneOf };
}

function transform(node: JsonSchema, path: Path): JsonSchema {
  rejectCompound(node, path);
  let out = moveUnsupportedToDescription(node);
  if (Array.isArray(out.anyOf)) out = { ...out, anyOf: out.anyOf.map((branch, i) => strictSchema(branch, [...path, 'anyOf', String(i)])) };
  if (out.items !== undefined) out = { ...out, items: strictSchema(out.items, [...path, 'items']) };
  rejectUntyped(out, path);
  return isObjectSchema(out) ? strictObject(out, path) : out;
}

function rejectCompound(node: JsonSchema, path: Path): void {
  if (node.prefixItems !== undefined || Array.isArray(node.items)) {
    throw new NotStrictError(`${at(path)}: tuple arrays (prefixItems or an items array) cannot be made strict`);
  }
  // Closing the object would reject every property its branches add.
  if (isObjectSchema(node) && node.anyOf !== undefined) throw new NotStrictError(`${at(path)}: an object schema with anyOf cannot be made strict`);
}

/** OpenAI refuses these in strict mode ("schema must have a 'type' key", "array schema missing items"). */
function rejectUntyped(node: JsonSchema, path: Path): void {
  const untyped = node.type === undefined && node.properties === undefined && node.enum === undefined && node.const === undefined && node.anyOf === undefined;
  if (untyped) throw new NotStrictError(`${at(path)}: a schema without a type (any value) cannot be made strict`);
  if (typeIncludes(node.type, 'array') && node.items === undefined) throw new NotStrictError(`${at(path)}: an array without items cannot be made strict`);
}

function moveUnsupportedToDescription(node: JsonSchema): JsonSchema {
  const notes = Object.entries(node)
    .filter(([keyword]) => UNSUPPORTED_KEYWORDS.has(keyword))
    .map(([keyword, value]) => `${keyword}: ${JSON.stringify(value)}`);
  if (!notes.length) return node;
  const out = omitKeywords(node, UNSUPPORTED_KEYWORDS);
  const note = notes.join(', ');
  return { ...out, description: typeof out.description === 'string' && out.description ? `${out.description} (${note})` : note };
}

function isObjectSchema(node: JsonSchema): boolean {
  return typeIncludes(node.type, 'object') || (node.type === undefined && node.properties !== undefined);
}

function strictObject(node: JsonSchema, path: Path): JsonSchema {
  if (node.patternProperties !== undefined) throw new NotStrictError(`${at(path)}: an object with patternProperties cannot be made strict`);
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) {
    throw new NotStrictError(`${at(path)}: a free-form object (additionalProperties) cannot be made strict`);
  }
  const declared = isJsonObject(node.properties) ? node.properties : {};
  const required = new Set(Array.isArray(node.required) ? node.required : []);
  const properties = Object.fromEntries(
    Object.entries(declared).map(([name, raw]) => {
      const schema = strictSchema(raw, [...path, 'properties', name]);
      return [name, required.has(name) ? schema : nullable(schema)];
    }),
  );
  return { ...node, type: node.type ?? 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** Strict mode requires every property, so an optional one says "absent" with null instead. */
function nullable(schema: JsonSchema): JsonSchema {
  if (allowsNull(schema)) return schema;
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, NULL_SCHEMA] };
  if (schema.const !== undefined) return orNull(schema);
  if (Array.isArray(schema.enum)) return withNullType({ ...schema, enum: schema.enum.includes(null) ? schema.enum : [...schema.enum, null] });
  return withNullType(schema);
}

function withNullType(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  if (typeof type === 'string') return type === 'null' ? schema : { ...schema, type: [type, 'null'] };
  if (Array.isArray(type)) return type.includes('null') ? schema : { ...schema, type: [...type, 'null'] };
  return schema;
}

/** The description stays outside, where the model reads it as the property's. */
function orNull(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  const anyOf = [description === undefined ? schema : rest, NULL_SCHEMA];
  return description === undefined ? { anyOf } : { description, anyOf };
}

function typeIncludes(type: unknown, name: string): boolean {
  return type === name || (Array.isArray(type) && type.includes(name));
}

function at(path: Path): string {
  return path.length ? path.join('.') : '(root)';
}

type Resolve = (raw: unknown) => JsonSchema | undefined;

const asObjectSchema: Resolve = (raw) => (isJsonSchemaObject(raw) ? raw : undefined);

/** Whether the schema itself says null is valid; a schema that does not constrain the type does not count. */
function allowsNull(schema: unknown, resolve: Resolve = asObjectSchema): boolean {
  return nullVerdict(schema, resolve, new Set()) === true;
}

/** `undefined` when the schema says nothing about null. `seen` ends `$ref` cycles. */
function nullVerdict(raw: unknown, resolve: Resolve, seen: ReadonlySet<unknown>): boolean | undefined {
  const schema = seen.has(raw) ? undefined : resolve(raw);
  if (!schema) return undefined;
  const inner = new Set(seen).add(raw);
  const verdicts: boolean[] = [];
  if (schema.type !== undefined) verdicts.push(typeIncludes(schema.type, 'null'));
  if (Array.isArray(schema.enum)) verdicts.push(schema.enum.includes(null));
  if (schema.const !== undefined) verdicts.push(schema.const === null);
  for (const branches of [schema.anyOf, schema.oneOf]) {
    if (Array.isArray(branches)) verdicts.push(branches.some((branch) => nullVerdict(branch, resolve, inner) === true));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => nullVerdict(part, resolve, inner));
    if (parts.includes(false)) verdicts.push(false);
    else if (parts.includes(true)) verdicts.push(true);
  }
  return verdicts.length ? verdicts.every(Boolean) : undefined;
}

/**
 * Drops the nulls a model answering the strict schema sends for optional properties it means
 * to leave out, guided by the original schema. Nulls the original schema allows are kept,
 * and anything that does not fit the schema is left for the validator to report.
 */
export function removeOmittedNulls(value: unknown, schema: JsonSchema): unknown {
  // Pruning only ever drops nulls: arguments without one (most calls) are returned as they are.
  return holdsNull(value) ? prune(value, schema, schema, new Set()) : value;
}

function holdsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (holdsNull(item)) return true;
  return false;
}

/** `applied` holds the schemas already applied to this same value, so allOf/anyOf `$ref` cycles end. */
function prune(value: unknown, raw: unknown, root: JsonSchema, applied: ReadonlySet<unknown>): unknown {
  const schema = applied.has(raw) ? undefined : deref(raw, root);
  if (!schema) return value;
  const next = new Set(applied).add(raw);
  const shaped = pruneBranch(pruneShape(value, schema, root), schema, root, next);
  return Array.isArray(schema.allOf) ? schema.allOf.reduce((out: unknown, part) => prune(out, part, root, next), shaped) : shaped;
}

function pruneShape(value: unknown, schema: JsonSchema, root: JsonSchema): unknown {
  if (Array.isArray(value)) return pruneArray(value, schema, root);
  if (isJsonObject(value) && isJsonObject(schema.properties)) return pruneObject(value, schema, schema.properties, root);
  return value;
}

function pruneObject(value: { [key: string]: unknown }, schema: JsonSchema, properties: JsonSchema, root: JsonSchema): unknown {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const entries = Object.entries(value).flatMap(([key, item]): [string, unknown][] => {
    if (!Object.hasOwn(properties, key)) return [[key, item]];
    const propertySchema = properties[key];
    if (item === null && !required.has(key) && !allowsNull(propertySchema, (sub) => deref(sub, root))) return [];
    return [[key, prune(item, propertySchema, root, new Set())]];
  });
  return Object.fromEntries(entries);
}

function pruneArray(value: unknown[], schema: JsonSchema, root: JsonSchema): unknown[] {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
  const rest = Array.isArray(schema.items) ? undefined : schema.items;
  return value.map((item, i) => {
    const itemSchema = i < tuple.length ? tuple[i] : rest;
    return itemSchema === undefined ? item : prune(item, itemSchema, root, new Set());
  });
}

/** Only objects and arrays hold nulls to drop, so only they look for their branch. */
function pruneBranch(value: unknown, schema: JsonSchema, root: JsonSchema, applied: ReadonlySet<unknown>): unknown {
  if (!isJsonObject(value) && !Array.isArray(value)) return value;
  let out: unknown = value;
  for (const branches of [schema.anyOf, schema.oneOf]) {
    if (!Array.isArray(branches)) continue;
    const branch = branchFor(value, branches, root);
    if (branch !== undefined) out = prune(out, branch, root, applied);
  }
  return out;
}

/**
 * The first branch of the value's type; among several object branches (a discriminated union)
 * the first whose declared keys, required keys and const/enum values fit the value wins.
 */
function branchFor(value: { [key: string]: unknown } | unknown[], branches: unknown[], root: JsonSchema): unknown {
  const wanted = Array.isArray(value) ? 'array' : 'object';
  const candidates = branches
    .map((raw) => ({ raw, schema: deref(raw, root) }))
    .filter((candidate): candidate is { raw: unknown; schema: JsonSchema } => declaredTypes(candidate.schema).includes(wanted));
  const fitting = Array.isArray(value) ? undefined : candidates.find((candidate) => fitsObject(candidate.schema, value, root));
  return (fitting ?? candidates[0])?.raw;
}

function fitsObject(schema: JsonSchema, value: { [key: string]: unknown }, root: JsonSchema): boolean {
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  if (!required.every((key) => typeof key === 'string' && Object.hasOwn(value, key))) return false;
  return Object.entries(value).every(([key, item]) => Object.hasOwn(properties, key) && !contradicts(deref(properties[key], root), item));
}

/** A null never contradicts: it may be an optional property the model left out. */
function contradicts(schema: JsonSchema | undefined, item: unknown): boolean {
  if (!schema || item === null) return false;
  const same = (allowed: unknown) => JSON.stringify(allowed) === JSON.stringify(item);
  if (schema.const !== undefined && !same(schema.const)) return true;
  return Array.isArray(schema.enum) && !schema.enum.some(same);
}

function declaredTypes(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((type): type is string => typeof type === 'string');
  if (schema.properties !== undefined) return ['object'];
  return schema.items !== undefined || schema.prefixItems !== undefined ? ['array'] : [];
}

/** The schema behind a chain of `$ref`s, keywords beside each `$ref` over its target; `undefined` when unresolvable. */
function deref(raw: unknown, root: JsonSchema): JsonSchema | undefined {
  let node = raw;
  const followed = new Set<string>();
  while (isJsonSchemaObject(node) && typeof node.$ref === 'string') {
    if (followed.has(node.$ref)) return undefined;
    followed.add(node.$ref);
    const target = tryResolveRef(root, node.$ref);
    if (!isJsonSchemaObject(target)) return undefined;
    const { $ref: _ref, ...siblings } = node;
    node = { ...target, ...siblings };
  }
  return isJsonSchemaObject(node) ? node : undefined;
}

function tryResolveRef(root: JsonSchema, ref: string): unknown {
  try {
    return resolveRef(root, ref);
  } catch {
    return undefined;
  }
}
