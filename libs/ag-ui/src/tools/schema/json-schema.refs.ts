import { isJsonObject, isJsonSchemaObject, mapSubschemas, omitKeywords, type JsonSchema } from './json-schema.types.js';

/** A `$ref` that leads back to itself: inlining it would never end. */
export class RecursiveSchemaError extends Error {
  readonly ref: string;

  constructor(ref: string) {
    super(`the schema is recursive through $ref "${ref}", so it cannot be inlined`);
    this.name = 'RecursiveSchemaError';
    this.ref = ref;
  }
}

const DEFINITION_CONTAINERS: ReadonlySet<string> = new Set(['definitions', '$defs']);

/**
 * A deep copy of `schema` with every local `$ref` replaced by a copy of its target (keywords
 * beside the `$ref` win over the target's) and the `definitions` / `$defs` containers dropped.
 */
export function inlineRefs(schema: JsonSchema): JsonSchema {
  return inlineSchema(schema, schema, []);
}

function inlineSchema(node: JsonSchema, root: JsonSchema, expanding: readonly string[]): JsonSchema {
  // Containers go even where nothing points into them: once every ref is inlined they are dead weight.
  const body = mapSubschemas(omitKeywords(node, DEFINITION_CONTAINERS), (sub) => inlineSchema(sub, root, expanding));
  if (typeof node.$ref !== 'string') return body;
  const { $ref: _ref, ...siblings } = body;
  return { ...expandRef(node.$ref, root, expanding), ...siblings };
}

function expandRef(ref: string, root: JsonSchema, expanding: readonly string[]): JsonSchema {
  // Keyed by the decoded pointer, so `#/$defs/A` and `#/$defs/%41` are seen as one ref.
  const key = `#${decodeFragment(ref.slice(1))}`;
  if (expanding.includes(key)) throw new RecursiveSchemaError(ref);
  const target = resolveRef(root, ref);
  if (isJsonSchemaObject(target)) return inlineSchema(target, root, [...expanding, key]);
  if (target === true) return {};
  if (target === false) return { not: {} };
  throw new Error(`$ref "${ref}" does not point at a schema`);
}

/** The value a local `$ref` (`#` plus a JSON pointer, RFC 6901) points at inside `root`, as it is there. */
export function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`only local $ref values (starting with "#") are supported, not "${ref}"`);
  const pointer = decodeFragment(ref.slice(1));
  if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`$ref "${ref}" is not a JSON pointer such as "#/$defs/Name": anchors are not supported`);
  let target: unknown = root;
  for (const token of pointerTokens(pointer)) {
    target = childOf(target, token);
    if (target === undefined) throw new Error(`$ref "${ref}" points at nothing`);
  }
  return target;
}

function pointerTokens(pointer: string): string[] {
  // `~1` first: unescaping `~0` first would turn `~01` into `/` instead of `~1`.
  return pointer === '' ? [] : pointer.slice(1).split('/').map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function childOf(parent: unknown, token: string): unknown {
  if (Array.isArray(parent)) return /^(0|[1-9]\d*)$/.test(token) ? parent[Number(token)] : undefined;
  return isJsonObject(parent) && Object.hasOwn(parent, token) ? parent[token] : undefined;
}

/** A URI fragment is percent-encoded; some generators leave it raw, so a bad escape is read as written. */
function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
