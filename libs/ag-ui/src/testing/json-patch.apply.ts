import type { JsonPatchOperation } from '@ag-ui/core';

type Container = Record<string, unknown> | unknown[];

/**
 * Applies an RFC 6902 patch to a copy of `document`, as a client applies STATE_DELTA. Throws on a
 * path that does not exist or a failed `test`, so a wrong delta fails the test that replays it.
 */
export function applyJsonPatch(document: unknown, patch: readonly JsonPatchOperation[]): unknown {
  let root = structuredClone(document);
  for (const op of patch) {
    const path = parsePointer(op.path);
    switch (op.op) {
      case 'add':
        root = put(root, path, structuredClone(op.value), 'add');
        break;
      case 'replace':
        root = put(root, path, structuredClone(op.value), 'replace');
        break;
      case 'remove':
        root = remove(root, path);
        break;
      case 'move': {
        const value = get(root, parsePointer(op.from));
        root = put(remove(root, parsePointer(op.from)), path, value, 'add');
        break;
      }
      case 'copy':
        root = put(root, path, structuredClone(get(root, parsePointer(op.from))), 'add');
        break;
      case 'test':
        if (JSON.stringify(get(root, path)) !== JSON.stringify(op.value)) throw new Error(`JSON Patch test failed at "${op.path}"`);
        break;
    }
  }
  return root;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Invalid JSON Pointer "${pointer}"`);
  const path = pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  // As fast-json-patch (the client's) does: no path through an object's prototype.
  if (path.includes('__proto__')) throw new Error(`JSON Patch path "${pointer}" goes through __proto__`);
  return path;
}

function parentOf(root: unknown, path: string[]): { parent: Container; key: string } {
  const parent = get(root, path.slice(0, -1));
  if (typeof parent !== 'object' || parent === null) throw new Error(`JSON Patch path "/${path.join('/')}" has no parent object`);
  return { parent: parent as Container, key: path[path.length - 1]! };
}

function get(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) throw new Error(`JSON Patch path "/${path.join('/')}" does not exist`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function put(root: unknown, path: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (!path.length) return value;
  const { parent, key } = parentOf(root, path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length - (mode === 'replace' ? 1 : 0)) throw new Error(`JSON Patch index "${key}" is out of range`);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else {
    if (mode === 'replace' && !Object.hasOwn(parent, key)) throw new Error(`JSON Patch replace of a missing key "${key}"`);
    parent[key] = value;
  }
  return root;
}

function remove(root: unknown, path: string[]): unknown {
  if (!path.length) return undefined;
  const { parent, key } = parentOf(root, path);
  get(root, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return root;
}
