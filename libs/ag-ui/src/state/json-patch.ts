import type { JsonPatchOperation } from '@ag-ui/core';
import { isPlainObject } from './json-value.js';

type JsonObject = Record<string, unknown>;

/**
 * The RFC 6901 JSON Pointer for a path of object keys and array indices; `[]` is the root, `''`.
 */
export function pointer(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) path = child(path, segment);
  return path;
}

/**
 * The RFC 6902 operations that turn the JSON value `before` into `after`: `[]` when they are deep-equal, else
 * removes, replaces and adds on the paths that changed. When the root itself changes (a primitive on either side,
 * or an object turned array or back) the patch is the single `{ op: 'replace', path: '' }`; see {@link replacesRoot}.
 * Properties whose value is `undefined` count as absent, as they do once serialised.
 *
 * Operation values are not cloned and may share structure with `after`: the caller owns a private clone of it.
 */
export function diffJson(before: unknown, after: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  if (isPlainObject(before) && isPlainObject(after)) diffObjects(before, after, '', ops);
  // Unlike nested arrays, the root array is never collapsed into one replace: the caller would send that as a snapshot.
  else if (Array.isArray(before) && Array.isArray(after)) diffArrays(before, after, '', ops);
  // `===` on purpose: -0 and 0 serialise alike, so telling them apart would only emit no-op patches.
  else if (before !== after) ops.push({ op: 'replace', path: '', value: after });
  return ops;
}

/**
 * Whether the patch rewrites the whole document (an operation on the root pointer `''`), which the caller should
 * send as a snapshot rather than as a delta. For {@link diffJson}'s output it is true only of the single root `replace`.
 */
export function replacesRoot(patch: readonly JsonPatchOperation[]): boolean {
  return patch.some((op) => op.path === '' && op.op !== 'test');
}

function diffObjects(before: JsonObject, after: JsonObject, path: string, ops: JsonPatchOperation[]): void {
  for (const key of Object.keys(before)) {
    if (has(before, key) && !has(after, key)) ops.push({ op: 'remove', path: child(path, key) });
  }
  for (const key of Object.keys(before)) {
    if (has(before, key) && has(after, key)) diffValues(before[key], after[key], child(path, key), ops);
  }
  for (const key of Object.keys(after)) {
    if (has(after, key) && !has(before, key)) ops.push({ op: 'add', path: child(path, key), value: after[key] });
  }
}

function diffArrays(before: readonly unknown[], after: readonly unknown[], path: string, ops: JsonPatchOperation[]): void {
  const common = Math.min(before.length, after.length);
  // Tail changes come after the common prefix so that no add or remove shifts an index still to be diffed.
  for (let i = 0; i < common; i++) diffValues(before[i], after[i], child(path, i), ops);
  for (let i = common; i < after.length; i++) ops.push({ op: 'add', path: child(path, i), value: after[i] });
  // Highest index first, so each remove still addresses the element it was computed for.
  for (let i = before.length - 1; i >= common; i--) ops.push({ op: 'remove', path: child(path, i) });
}

/** Diffs two values found at the same, existing, non-root path. */
function diffValues(before: unknown, after: unknown, path: string, ops: JsonPatchOperation[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    diffObjects(before, after, path, ops);
  } else if (Array.isArray(before) && Array.isArray(after)) {
    const start = ops.length;
    diffArrays(before, after, path, ops);
    if (ops.length === start) return;
    // Index-wise diffs of reordered or spliced arrays can dwarf the array itself; then resend it whole.
    const replace: JsonPatchOperation = { op: 'replace', path, value: after };
    if (JSON.stringify(ops.slice(start)).length > JSON.stringify([replace]).length) ops.splice(start, ops.length - start, replace);
  } else if (before !== after) {
    ops.push({ op: 'replace', path, value: after });
  }
}

function child(path: string, segment: string | number): string {
  // `~` first, or the `~` introduced by `~1` would itself be escaped.
  return `${path}/${typeof segment === 'number' ? segment : segment.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

// Own properties only: an inherited `constructor` or `toString` is not part of the JSON value.
function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key) && object[key] !== undefined;
}
