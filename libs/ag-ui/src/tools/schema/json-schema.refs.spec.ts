import { inlineRefs, RecursiveSchemaError, resolveRef } from './json-schema.refs.js';
import type { JsonSchema } from './json-schema.types.js';

describe('inlineRefs', () => {
  it('replaces #/definitions refs with copies of their targets and drops the container', () => {
    const schema = {
      type: 'object',
      properties: {
        first: { $ref: '#/definitions/Item' },
        list: { type: 'array', items: { $ref: '#/definitions/Item' } },
      },
      definitions: { Item: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
    };
    const item = { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] };

    const inlined = inlineRefs(schema);

    expect(inlined).toEqual({ type: 'object', properties: { first: item, list: { type: 'array', items: item } } });
    expect(inlined.properties).not.toBe(schema.properties);
    const properties = inlined.properties as { first: JsonSchema; list: { items: JsonSchema } };
    expect(properties.first).not.toBe(properties.list.items);
  });

  it('replaces #/$defs refs and drops $defs', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tag: { $ref: '#/$defs/Tag' } },
      $defs: { Tag: { type: 'string', enum: ['a', 'b'] } },
    };

    expect(inlineRefs(schema)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tag: { type: 'string', enum: ['a', 'b'] } },
    });
  });

  it('keeps keywords beside a $ref, over the target', () => {
    const schema = {
      type: 'object',
      properties: { owner: { $ref: '#/definitions/User', description: 'Who owns it' } },
      definitions: { User: { type: 'object', description: 'A user', properties: { id: { type: 'string' } } } },
    };

    expect(inlineRefs(schema)).toEqual({
      type: 'object',
      properties: { owner: { type: 'object', description: 'Who owns it', properties: { id: { type: 'string' } } } },
    });
  });

  it('follows any JSON pointer into the root, and refs inside targets', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', minLength: 1 },
        b: { $ref: '#/properties/a' },
        c: { anyOf: [{ $ref: '#/definitions/Alias' }, { type: 'null' }] },
        d: { $ref: '#/definitions/Pair/items/1' },
      },
      definitions: {
        Alias: { $ref: '#/definitions/Target' },
        Target: { type: 'integer' },
        Pair: { items: [{ type: 'string' }, { type: 'boolean' }] },
      },
    };

    expect(inlineRefs(schema)).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', minLength: 1 },
        b: { type: 'string', minLength: 1 },
        c: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        d: { type: 'boolean' },
      },
    });
  });

  it('inlines a $ref at the root', () => {
    const schema = {
      $ref: '#/definitions/Args',
      definitions: { Args: { type: 'object', properties: { q: { type: 'string' } } } },
    };

    expect(inlineRefs(schema)).toEqual({ type: 'object', properties: { q: { type: 'string' } } });
  });

  it('unescapes ~1 and ~0 in that order, and percent-decoding in the fragment', () => {
    const schema = {
      type: 'object',
      properties: {
        slash: { $ref: '#/definitions/a~1b' },
        tilde: { $ref: '#/definitions/m~0n' },
        tildeOne: { $ref: '#/definitions/x~01' },
        space: { $ref: '#/definitions/with%20space' },
      },
      definitions: {
        'a/b': { const: 'slash' },
        'm~n': { const: 'tilde' },
        'x~1': { const: 'tilde-one' },
        'x/': { const: 'wrong' },
        'with space': { const: 'space' },
      },
    };

    expect(inlineRefs(schema)).toEqual({
      type: 'object',
      properties: { slash: { const: 'slash' }, tilde: { const: 'tilde' }, tildeOne: { const: 'tilde-one' }, space: { const: 'space' } },
    });
  });

  it('does not take data for refs, nor property names for keywords', () => {
    const schema = {
      type: 'object',
      properties: {
        definitions: { $ref: '#/$defs/Name' },
        $ref: { type: 'string' },
        literal: { const: { $ref: '#/nowhere' }, default: { $ref: '#/nowhere' } },
      },
      $defs: { Name: { type: 'string' } },
    };

    expect(inlineRefs(schema)).toEqual({
      type: 'object',
      properties: {
        definitions: { type: 'string' },
        $ref: { type: 'string' },
        literal: { const: { $ref: '#/nowhere' }, default: { $ref: '#/nowhere' } },
      },
    });
  });

  it('inlines a boolean target', () => {
    const schema = { type: 'object', properties: { any: { $ref: '#/$defs/Any', description: 'x' } }, $defs: { Any: true } };

    expect(inlineRefs(schema)).toEqual({ type: 'object', properties: { any: { description: 'x' } } });
  });

  it('ignores a recursive definition nothing points at', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' } },
      definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } },
    };

    expect(inlineRefs(schema)).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('throws RecursiveSchemaError, naming the ref, for a schema that reaches itself', () => {
    const schema = {
      type: 'object',
      properties: { root: { $ref: '#/definitions/Node' } },
      definitions: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } } } },
    };

    expect(() => inlineRefs(schema)).toThrow(RecursiveSchemaError);
    expect(() => inlineRefs(schema)).toThrow('#/definitions/Node');
  });

  it('throws RecursiveSchemaError for a cycle of aliases and for a ref to the root', () => {
    const aliases = { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } };
    const self = { type: 'object', properties: { self: { $ref: '#' } } };

    expect(() => inlineRefs(aliases)).toThrow(RecursiveSchemaError);
    expect(() => inlineRefs(self)).toThrow(RecursiveSchemaError);
  });

  it('exposes the ref on the error', () => {
    const error = thrownBy(() => inlineRefs({ type: 'object', properties: { self: { $ref: '#' } } }));

    expect(error).toBeInstanceOf(RecursiveSchemaError);
    expect((error as RecursiveSchemaError).ref).toBe('#');
    expect((error as RecursiveSchemaError).name).toBe('RecursiveSchemaError');
  });

  it('refuses non-local refs', () => {
    const schema = { type: 'object', properties: { a: { $ref: 'https://example.com/schemas/a.json' } } };

    expect(() => inlineRefs(schema)).toThrow('only local $ref values');
    expect(() => inlineRefs(schema)).not.toThrow(RecursiveSchemaError);
  });

  it('refuses a ref that points at nothing, and anchors', () => {
    expect(() => inlineRefs({ properties: { a: { $ref: '#/definitions/Missing' } } })).toThrow('points at nothing');
    expect(() => inlineRefs({ properties: { a: { $ref: '#anchor' } } })).toThrow('anchors are not supported');
  });

  it('does not mutate its input', () => {
    const schema = {
      type: 'object',
      properties: { item: { $ref: '#/definitions/Item', description: 'd' } },
      definitions: { Item: { type: 'object', properties: { n: { type: 'number' } } } },
    };
    const before = structuredClone(schema);

    inlineRefs(schema);

    expect(schema).toEqual(before);
  });
});

describe('resolveRef', () => {
  it('returns the target as it stands, and the root for "#"', () => {
    const schema = { type: 'object', $defs: { A: { $ref: '#/$defs/B' }, list: [{ type: 'string' }] } };

    expect(resolveRef(schema, '#/$defs/A')).toBe(schema.$defs.A);
    expect(resolveRef(schema, '#/$defs/list/0')).toBe(schema.$defs.list[0]);
    expect(resolveRef(schema, '#')).toBe(schema);
  });

  it('does not read array indices that are not canonical numbers, nor inherited members', () => {
    const schema = { $defs: { list: [{ type: 'string' }] } };

    expect(() => resolveRef(schema, '#/$defs/list/00')).toThrow('points at nothing');
    expect(() => resolveRef(schema, '#/$defs/list/length')).toThrow('points at nothing');
    expect(() => resolveRef(schema, '#/$defs/toString')).toThrow('points at nothing');
  });
});

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
