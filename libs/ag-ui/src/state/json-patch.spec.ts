import type { JsonPatchOperation } from '@ag-ui/core';
import fc from 'fast-check';
import jsonPatch from 'fast-json-patch';
import { diffJson, pointer, replacesRoot } from './json-patch.js';

/** Applies the patch the way the AG-UI client applies STATE_DELTA, with fast-json-patch's validation on. */
function apply(before: unknown, patch: JsonPatchOperation[]): unknown {
  return jsonPatch.applyPatch(structuredClone(before), patch, /* validate */ true, /* mutate */ false).newDocument;
}

/** What the value looks like on the wire: drops undefined properties and turns -0 into 0. */
function wire(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks an RFC 6901 pointer over own properties only; `found: false` when some segment does not exist. */
function resolve(document: unknown, path: string): { found: boolean; value?: unknown } {
  if (path === '') return { found: true, value: document };
  let value = document;
  for (const raw of path.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= value.length) return { found: false };
      value = value[Number(segment)];
    } else if (isObject(value)) {
      if (!Object.hasOwn(value, segment) || value[segment] === undefined) return { found: false };
      value = value[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value };
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

// fast-json-patch refuses, by design, any path through `__proto__` or `constructor/prototype` (prototype pollution
// guard), and fc.jsonValue() favours exactly such keys. The diff handles them (see the own-property tests below); only
// the values round-tripped through fast-json-patch drop them.
function withoutBannedKeys(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutBannedKeys(item));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__' || (key === 'prototype' && parentKey === 'constructor')) continue;
    out[key] = withoutBannedKeys(item, key);
  }
  return out;
}

const json = fc.jsonValue({ maxDepth: 4 });
const patchableJson = json.map((value) => withoutBannedKeys(value));

// Keys that need escaping or look like array indices, besides whatever fast-check makes up. No `__proto__`: assigning
// it would swap the container's prototype rather than add a key.
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', '~', '/', '~0', '~1', 'a/b', '~/~', '0', '-', '01')).filter((k) => k !== '__proto__');

interface Mutation {
  kind: 'set' | 'delete' | 'insert' | 'root';
  target: number;
  index: number;
  key: string;
  value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.oneof({ weight: 15, arbitrary: fc.constantFrom('set', 'delete', 'insert') }, { weight: 1, arbitrary: fc.constant('root') }),
  target: fc.nat(),
  index: fc.nat(),
  key,
  value: fc.jsonValue({ maxDepth: 2 }).map((value) => withoutBannedKeys(value)),
});

function containersOf(value: unknown, out: (unknown[] | Record<string, unknown>)[] = []): (unknown[] | Record<string, unknown>)[] {
  if (Array.isArray(value)) {
    out.push(value);
    for (const item of value) containersOf(item, out);
  } else if (isObject(value)) {
    out.push(value);
    for (const item of Object.values(value)) containersOf(item, out);
  }
  return out;
}

/** A few edits at random places of a copy of `before`, so that the diff has something non-trivial to find. */
function mutate(before: unknown, mutations: readonly Mutation[]): unknown {
  let document = structuredClone(before);
  for (const { kind, target, index, key, value: generated } of mutations) {
    // A copy, as fast-check may hand the same generated value to several runs while shrinking.
    const value = structuredClone(generated);
    const containers = containersOf(document);
    if (kind === 'root' || containers.length === 0) {
      document = value;
      continue;
    }
    const container = containers[target % containers.length];
    if (Array.isArray(container)) {
      if (kind === 'insert' || container.length === 0) container.splice(index % (container.length + 1), 0, value);
      else if (kind === 'set') container[index % container.length] = value;
      else container.splice(index % container.length, 1);
    } else {
      const keys = Object.keys(container);
      if (kind === 'insert' || keys.length === 0) container[key] = value;
      else if (kind === 'set') container[keys[index % keys.length]] = value;
      else delete container[keys[index % keys.length]];
    }
  }
  return document;
}

// Mostly containers at the root: a primitive root can only ever be replaced whole.
const stateDocument = fc
  .oneof({ weight: 4, arbitrary: fc.oneof(fc.dictionary(key, json, { maxKeys: 6 }), fc.array(json, { maxLength: 6 })) }, { weight: 1, arbitrary: json })
  .map((value) => withoutBannedKeys(value));
const mutatedPair = stateDocument.chain((before) =>
  fc.tuple(
    fc.constant(before),
    fc.array(mutation, { minLength: 1, maxLength: 5 }).map((edits) => withoutBannedKeys(mutate(before, edits))),
  ),
);

/** The invariant that makes a patch valid against `before`, checked without fast-json-patch. */
function expectAddressesExistingPaths(before: unknown, patch: JsonPatchOperation[]): void {
  for (const op of patch) {
    if (op.path === '') continue;
    if (op.op === 'replace' || op.op === 'remove') expect({ op, found: resolve(before, op.path).found }).toEqual({ op, found: true });
    if (op.op === 'add') {
      const parent = resolve(before, parentOf(op.path));
      expect({ op, parentFound: parent.found && typeof parent.value === 'object' && parent.value !== null }).toEqual({ op, parentFound: true });
    }
  }
}

describe('pointer', () => {
  it('is the empty string for the root', () => {
    expect(pointer([])).toBe('');
  });

  it('joins keys and indices, escaping ~ before /', () => {
    expect(pointer(['a', 0, 'b'])).toBe('/a/0/b');
    expect(pointer(['a/b', 'm~n', '~1', ''])).toBe('/a~1b/m~0n/~01/');
  });
});

describe('diffJson', () => {
  describe('equal values', () => {
    it.each([
      ['null', null, null],
      ['numbers', 1.5, 1.5],
      ['zero and negative zero', 0, -0],
      ['strings', 'x', 'x'],
      ['booleans', false, false],
      ['objects', { a: 1, b: { c: [1, { d: null }] } }, { b: { c: [1, { d: null }] }, a: 1 }],
      ['arrays', [1, [2, { x: 'y' }]], [1, [2, { x: 'y' }]]],
      ['empty containers', { a: {}, b: [] }, { a: {}, b: [] }],
    ])('gives an empty patch for %s', (_label, before, after) => {
      expect(diffJson(before, after)).toEqual([]);
    });
  });

  describe('objects', () => {
    it('adds, removes and replaces keys', () => {
      expect(diffJson({ keep: 1, gone: 2, change: 3 }, { keep: 1, change: 4, fresh: 5 })).toEqual([
        { op: 'remove', path: '/gone' },
        { op: 'replace', path: '/change', value: 4 },
        { op: 'add', path: '/fresh', value: 5 },
      ]);
    });

    it('recurses into nested objects and adds whole subtrees', () => {
      expect(diffJson({ a: { b: { c: 1, d: 2 } } }, { a: { b: { c: 1, d: 3 }, e: { f: [1] } } })).toEqual([
        { op: 'replace', path: '/a/b/d', value: 3 },
        { op: 'add', path: '/a/e', value: { f: [1] } },
      ]);
    });

    it('replaces a value whose kind changes below the root', () => {
      expect(diffJson({ a: { x: 1 }, b: [1], c: 's', d: null }, { a: [1], b: { x: 1 }, c: { s: 1 }, d: 0 })).toEqual([
        { op: 'replace', path: '/a', value: [1] },
        { op: 'replace', path: '/b', value: { x: 1 } },
        { op: 'replace', path: '/c', value: { s: 1 } },
        { op: 'replace', path: '/d', value: 0 },
      ]);
    });

    it('escapes ~ and / in keys', () => {
      expect(diffJson({ 'a/b': 1, 'm~n': { '~1': 1 } }, { 'a/b': 2, 'm~n': { '~1': 2 }, '': 3 })).toEqual([
        { op: 'replace', path: '/a~1b', value: 2 },
        { op: 'replace', path: '/m~0n/~01', value: 2 },
        { op: 'add', path: '/', value: 3 },
      ]);
    });

    it('treats undefined properties as absent', () => {
      expect(diffJson({ a: undefined, b: 1 }, { b: 1, c: undefined })).toEqual([]);
      expect(diffJson({ a: undefined }, { a: 1 })).toEqual([{ op: 'add', path: '/a', value: 1 }]);
      expect(diffJson({ a: 1 }, { a: undefined })).toEqual([{ op: 'remove', path: '/a' }]);
      expect(diffJson({ a: { b: undefined } }, { a: {} })).toEqual([]);
    });

    it('looks at own properties only, whatever their name', () => {
      const proto = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
      expect(diffJson(proto, {})).toEqual([{ op: 'remove', path: '/__proto__' }]);
      expect(diffJson({}, { constructor: 1, toString: 'x' })).toEqual([
        { op: 'add', path: '/constructor', value: 1 },
        { op: 'add', path: '/toString', value: 'x' },
      ]);
      expect(diffJson({ constructor: 1 }, {})).toEqual([{ op: 'remove', path: '/constructor' }]);
    });
  });

  describe('arrays', () => {
    it('replaces changed items index by index and recurses into containers', () => {
      expect(diffJson({ list: [1, { a: 1, b: 'long enough to keep' }, 3] }, { list: [1, { a: 2, b: 'long enough to keep' }, 3] })).toEqual([
        { op: 'replace', path: '/list/1/a', value: 2 },
      ]);
    });

    it('adds the extra items of a longer array in increasing order', () => {
      expect(diffJson({ list: ['a long item', 'another long item'] }, { list: ['a long item', 'another long item', 'x', 'y'] })).toEqual([
        { op: 'add', path: '/list/2', value: 'x' },
        { op: 'add', path: '/list/3', value: 'y' },
      ]);
    });

    it('removes the extra items of a shorter array from the highest index down', () => {
      expect(diffJson({ list: ['a long item', 'another long item', 'x', 'y'] }, { list: ['a long item', 'another long item'] })).toEqual([
        { op: 'remove', path: '/list/3' },
        { op: 'remove', path: '/list/2' },
      ]);
    });

    it('replaces a nested array whole when that is shorter than its index-wise patch', () => {
      const before = { list: [1, 2, 3, 4, 5] };
      const after = { list: [0, 1, 2, 3, 4, 5] };
      expect(diffJson(before, after)).toEqual([{ op: 'replace', path: '/list', value: [0, 1, 2, 3, 4, 5] }]);
      // The innermost array that is cheaper to resend whole is the one resent.
      expect(diffJson({ list: [[1, 2, 3], 'x'] }, { list: [[3, 2, 1], 'x'] })).toEqual([{ op: 'replace', path: '/list/0', value: [3, 2, 1] }]);
    });

    it('keeps the index-wise patch of a nested array when it is the shorter one', () => {
      const long = 'x'.repeat(40);
      expect(diffJson({ list: [long, long, 1] }, { list: [long, long, 2] })).toEqual([{ op: 'replace', path: '/list/2', value: 2 }]);
    });

    it('never collapses the root array into a root replacement', () => {
      const patch = diffJson([1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]);
      expect(patch).toHaveLength(6);
      expect(replacesRoot(patch)).toBe(false);
      expect(apply([1, 2, 3, 4, 5], patch)).toEqual([0, 1, 2, 3, 4, 5]);
    });
  });

  describe('root', () => {
    it.each([
      ['a primitive changes', 1, 2],
      ['a primitive becomes an object', 'x', { a: 1 }],
      ['an object becomes a primitive', { a: 1 }, null],
      ['an object becomes an array', { 0: 'a' }, ['a']],
      ['an array becomes an object', ['a'], { 0: 'a' }],
      ['null becomes an array', null, []],
    ])('is replaced whole when %s', (_label, before, after) => {
      const patch = diffJson(before, after);
      expect(patch).toEqual([{ op: 'replace', path: '', value: after }]);
      expect(replacesRoot(patch)).toBe(true);
    });

    it('is not replaced by a patch of its contents', () => {
      expect(replacesRoot(diffJson({ a: 1 }, { a: 2 }))).toBe(false);
      expect(replacesRoot([])).toBe(false);
    });
  });

  it('shares structure with `after` instead of cloning it', () => {
    const added = { deep: [1, 2] };
    const [op] = diffJson({}, { added });
    expect(op).toEqual({ op: 'add', path: '/added', value: added });
    expect(op.op === 'add' && op.value).toBe(added);
  });

  describe('properties', () => {
    it('is empty between a value and its copy', () => {
      fc.assert(
        fc.property(json, (value) => {
          expect(diffJson(value, structuredClone(value))).toEqual([]);
        }),
      );
    });

    it('only replaces or removes paths that exist in `before`, and only adds under existing parents', () => {
      fc.assert(
        fc.property(fc.oneof(fc.tuple(json, json), mutatedPair), ([before, after]) => {
          expectAddressesExistingPaths(before, diffJson(before, after));
        }),
      );
    });

    // wire(): fast-json-patch clones the document through JSON, which turns -0 into 0, and diffJson deliberately
    // treats -0 and 0 as equal, so both sides are compared as they would be serialised.
    it('turns any `before` into any `after` when applied by fast-json-patch', () => {
      fc.assert(
        fc.property(patchableJson, patchableJson, (before, after) => {
          expect(wire(apply(before, diffJson(before, after)))).toEqual(wire(after));
        }),
        { numRuns: 500 },
      );
    });

    it('turns `before` into a few edits of it when applied by fast-json-patch', () => {
      fc.assert(
        fc.property(mutatedPair, ([before, after]) => {
          const patch = diffJson(before, after);
          expect(wire(apply(before, patch))).toEqual(wire(after));
          if (!replacesRoot(patch)) expectAddressesExistingPaths(before, patch);
        }),
        { numRuns: 500 },
      );
    });
  });
});
