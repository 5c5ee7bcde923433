import type { JsonSchema } from './json-schema.types.js';
import { removeOmittedNulls, toLooseJsonSchema, toStrictJsonSchema } from './strict-json-schema.js';

/** Wraps property schemas in a root object with nothing required. */
function optional(properties: JsonSchema): JsonSchema {
  return { type: 'object', properties };
}

/** The strict form of one optional property. */
function strictOptional(property: JsonSchema): unknown {
  const result = toStrictJsonSchema(optional({ p: property }));
  expect(result.strict).toBe(true);
  return (result.schema.properties as JsonSchema).p;
}

const recursiveSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { tree: { $ref: '#/$defs/Node' } },
  required: ['tree'],
  $defs: {
    Node: {
      type: 'object',
      properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
      required: ['value'],
    },
  },
};

describe('toLooseJsonSchema', () => {
  it('turns {} into an empty object schema', () => {
    expect(toLooseJsonSchema({})).toEqual({ type: 'object', properties: {} });
  });

  it('types a root that has properties but no type', () => {
    expect(toLooseJsonSchema({ properties: { a: { type: 'string' } } })).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('adds properties to an object root without them', () => {
    expect(toLooseJsonSchema({ type: 'object', description: 'd' })).toEqual({ type: 'object', description: 'd', properties: {} });
  });

  it('inlines refs and drops $schema, $id and $comment everywhere, leaving required and additionalProperties alone', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.com/args',
      $comment: 'root',
      type: 'object',
      properties: { item: { $ref: '#/definitions/Item' }, free: { type: 'object', additionalProperties: true } },
      required: ['item'],
      definitions: { Item: { $comment: 'nested', type: 'object', properties: { n: { type: 'number', default: 1 } } } },
    };

    expect(toLooseJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        item: { type: 'object', properties: { n: { type: 'number', default: 1 } } },
        free: { type: 'object', additionalProperties: true },
      },
      required: ['item'],
    });
  });

  it('keeps a recursive schema as given, refs and $defs included', () => {
    expect(toLooseJsonSchema(recursiveSchema)).toEqual({
      type: 'object',
      properties: { tree: { $ref: '#/$defs/Node' } },
      required: ['tree'],
      $defs: recursiveSchema.$defs,
    });
  });

  it('leaves a root that declares another type as it is', () => {
    expect(toLooseJsonSchema({ type: 'string' })).toEqual({ type: 'string' });
  });

  it('throws for non-local refs', () => {
    expect(() => toLooseJsonSchema({ type: 'object', properties: { a: { $ref: 'other.json#/A' } } })).toThrow('only local $ref values');
  });

  it('does not mutate its input', () => {
    const before = structuredClone(recursiveSchema);
    toLooseJsonSchema(recursiveSchema);
    expect(recursiveSchema).toEqual(before);
  });
});

describe('toStrictJsonSchema', () => {
  it('closes the root object, requires every property in order and makes the optional ones nullable', () => {
    const schema = {
      type: 'object',
      title: 'Search',
      description: 'Search arguments',
      properties: { query: { type: 'string' }, page: { type: 'integer', minimum: 1 }, exact: { type: 'boolean' } },
      required: ['exact', 'query'],
    };

    expect(toStrictJsonSchema(schema)).toEqual({
      strict: true,
      schema: {
        type: 'object',
        title: 'Search',
        description: 'Search arguments',
        properties: { query: { type: 'string' }, page: { type: ['integer', 'null'], minimum: 1 }, exact: { type: 'boolean' } },
        required: ['query', 'page', 'exact'],
        additionalProperties: false,
      },
    });
  });

  it('makes {} an empty closed object', () => {
    expect(toStrictJsonSchema({})).toEqual({
      strict: true,
      schema: { type: 'object', properties: {}, required: [], additionalProperties: false },
    });
  });

  it('types a root with properties but no type', () => {
    expect(toStrictJsonSchema({ properties: { a: { type: 'string' } }, required: ['a'] })).toEqual({
      strict: true,
      schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false },
    });
  });

  it('handles a nested object inside an array inside an optional property', () => {
    const schema = {
      type: 'object',
      properties: {
        orders: {
          type: 'array',
          description: 'Orders to place',
          items: { type: 'object', properties: { id: { type: 'string' }, note: { type: 'string' } }, required: ['id'] },
        },
      },
    };

    expect(toStrictJsonSchema(schema)).toEqual({
      strict: true,
      schema: {
        type: 'object',
        properties: {
          orders: {
            type: ['array', 'null'],
            description: 'Orders to place',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, note: { type: ['string', 'null'] } },
              required: ['id', 'note'],
              additionalProperties: false,
            },
          },
        },
        required: ['orders'],
        additionalProperties: false,
      },
    });
  });

  it('makes an optional nested object nullable and closes it', () => {
    expect(strictOptional({ type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] })).toEqual({
      type: ['object', 'null'],
      properties: { city: { type: 'string' }, zip: { type: ['string', 'null'] } },
      required: ['city', 'zip'],
      additionalProperties: false,
    });
  });

  it('gives a nested object without properties an empty properties map', () => {
    expect(strictOptional({ type: 'object' })).toEqual({ type: ['object', 'null'], properties: {}, required: [], additionalProperties: false });
  });

  it('types a nested schema that has properties but no type', () => {
    const result = toStrictJsonSchema({ type: 'object', properties: { at: { properties: { x: { type: 'number' } }, required: ['x'] } }, required: ['at'] });

    expect((result.schema.properties as JsonSchema).at).toEqual({
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
      additionalProperties: false,
    });
  });

  describe('optional properties', () => {
    it('adds null to a string type', () => {
      expect(strictOptional({ type: 'string', format: 'date' })).toEqual({ type: ['string', 'null'], format: 'date' });
    });

    it('appends null to a type array', () => {
      expect(strictOptional({ type: ['string', 'number'] })).toEqual({ type: ['string', 'number', 'null'] });
    });

    it('adds null to an enum and to its type', () => {
      expect(strictOptional({ type: 'string', enum: ['low', 'high'] })).toEqual({ type: ['string', 'null'], enum: ['low', 'high', null] });
    });

    it('adds null to an enum without a type', () => {
      expect(strictOptional({ enum: ['a', 1] })).toEqual({ enum: ['a', 1, null] });
    });

    it('adds a null branch to an anyOf', () => {
      expect(strictOptional({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
        anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }],
      });
    });

    it('wraps a const in an anyOf with null, keeping the description outside', () => {
      expect(strictOptional({ const: 'on' })).toEqual({ anyOf: [{ const: 'on' }, { type: 'null' }] });
      expect(strictOptional({ type: 'string', const: 'on', description: 'Switch' })).toEqual({
        description: 'Switch',
        anyOf: [{ type: 'string', const: 'on' }, { type: 'null' }],
      });
    });

    it('does not add null twice', () => {
      expect(strictOptional({ type: ['string', 'null'] })).toEqual({ type: ['string', 'null'] });
      expect(strictOptional({ type: 'null' })).toEqual({ type: 'null' });
      expect(strictOptional({ type: ['string', 'null'], enum: ['a', null] })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
      expect(strictOptional({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
      expect(strictOptional({ anyOf: [{ type: 'string' }, { enum: ['x', null] }] })).toEqual({ anyOf: [{ type: 'string' }, { enum: ['x', null] }] });
      expect(strictOptional({ const: null })).toEqual({ const: null });
    });

    it('adds null to an enum whose type already allows null but whose values do not', () => {
      expect(strictOptional({ type: ['string', 'null'], enum: ['a'] })).toEqual({ type: ['string', 'null'], enum: ['a', null] });
    });

    it('leaves required properties as they are', () => {
      const result = toStrictJsonSchema({ type: 'object', properties: { a: { type: 'string' }, b: { enum: ['x'] } }, required: ['a', 'b'] });

      expect(result.schema.properties).toEqual({ a: { type: 'string' }, b: { enum: ['x'] } });
    });
  });

  describe('composition', () => {
    it('turns oneOf into anyOf and makes each branch strict', () => {
      const schema = {
        type: 'object',
        properties: {
          target: {
            oneOf: [
              { type: 'object', properties: { kind: { const: 'user' }, id: { type: 'string' } }, required: ['kind', 'id'] },
              { type: 'object', properties: { kind: { const: 'team' }, slug: { type: 'string' } }, required: ['kind'] },
            ],
          },
        },
        required: ['target'],
      };

      expect(toStrictJsonSchema(schema).schema.properties).toEqual({
        target: {
          anyOf: [
            { type: 'object', properties: { kind: { const: 'user' }, id: { type: 'string' } }, required: ['kind', 'id'], additionalProperties: false },
            {
              type: 'object',
              properties: { kind: { const: 'team' }, slug: { type: ['string', 'null'] } },
              required: ['kind', 'slug'],
              additionalProperties: false,
            },
          ],
        },
      });
    });

    it('merges a single allOf into its parent, the parent description winning', () => {
      const schema = {
        type: 'object',
        properties: {
          owner: { description: 'Who owns it', allOf: [{ type: 'object', description: 'A user', properties: { id: { type: 'string' } }, required: ['id'] }] },
        },
        required: ['owner'],
      };

      expect(toStrictJsonSchema(schema)).toEqual({
        strict: true,
        schema: {
          type: 'object',
          properties: {
            owner: { type: 'object', description: 'Who owns it', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
          },
          required: ['owner'],
          additionalProperties: false,
        },
      });
    });

    it('merges a single allOf at the root', () => {
      const result = toStrictJsonSchema({ allOf: [{ type: 'object', properties: { a: { type: 'string' } } }] });

      expect(result).toEqual({
        strict: true,
        schema: { type: 'object', properties: { a: { type: ['string', 'null'] } }, required: ['a'], additionalProperties: false },
      });
    });

    it('refuses an allOf of several schemas', () => {
      const schema = { type: 'object', properties: { both: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }] } } };

      const result = toStrictJsonSchema(schema);

      expect(result).toEqual({ strict: false, schema: toLooseJsonSchema(schema), reason: 'properties.both: allOf with several schemas cannot be made strict' });
    });

    it('refuses a single allOf that disagrees with its parent', () => {
      const result = toStrictJsonSchema({ type: 'object', properties: { a: { type: 'string', allOf: [{ type: 'number' }] } } });

      expect(result.strict).toBe(false);
      expect(result.reason).toBe('properties.a: allOf and its parent disagree on "type", which cannot be made strict');
    });

    it('refuses an object schema with anyOf beside its properties', () => {
      const schema = { type: 'object', properties: { a: { type: 'object', properties: { x: { type: 'string' } }, anyOf: [{ required: ['x'] }] } } };

      expect(toStrictJsonSchema(schema).reason).toBe('properties.a: an object schema with anyOf cannot be made strict');
    });
  });

  describe('keywords', () => {
    it('moves unsupported string keywords into the description', () => {
      const result = toStrictJsonSchema({
        type: 'object',
        properties: { name: { type: 'string', description: 'Display name', minLength: 3, maxLength: 80 }, code: { type: 'string', minLength: 3, maxLength: 80 } },
        required: ['name', 'code'],
      });

      expect(result.schema.properties).toEqual({
        name: { type: 'string', description: 'Display name (minLength: 3, maxLength: 80)' },
        code: { type: 'string', description: 'minLength: 3, maxLength: 80' },
      });
    });

    it('moves unsupported array, object and conditional keywords into the description, values as JSON', () => {
      const result = toStrictJsonSchema({
        type: 'object',
        properties: {
          tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, contains: { const: 'x' }, minContains: 1, maxContains: 2, unevaluatedItems: false },
          box: {
            type: 'object',
            properties: { a: { type: 'string' } },
            required: ['a'],
            minProperties: 1,
            maxProperties: 3,
            propertyNames: { pattern: '^[a-z]+$' },
            unevaluatedProperties: false,
            dependentRequired: { a: ['b'] },
            dependentSchemas: { a: { required: ['b'] } },
          },
          when: { type: 'string', not: { const: '' }, if: { const: 'a' }, then: { minLength: 1 }, else: { maxLength: 2 } },
        },
        required: ['tags', 'box', 'when'],
      });

      expect(result.strict).toBe(true);
      expect(result.schema.properties).toEqual({
        tags: {
          type: 'array',
          items: { type: 'string' },
          description: 'uniqueItems: true, contains: {"const":"x"}, minContains: 1, maxContains: 2, unevaluatedItems: false',
        },
        box: {
          type: 'object',
          properties: { a: { type: 'string' } },
          required: ['a'],
          additionalProperties: false,
          description:
            'minProperties: 1, maxProperties: 3, propertyNames: {"pattern":"^[a-z]+$"}, unevaluatedProperties: false, ' +
            'dependentRequired: {"a":["b"]}, dependentSchemas: {"a":{"required":["b"]}}',
        },
        when: { type: 'string', description: 'not: {"const":""}, if: {"const":"a"}, then: {"minLength":1}, else: {"maxLength":2}' },
      });
    });

    it('keeps the keywords strict mode supports', () => {
      const kept = {
        count: { type: 'integer', title: 'Count', minimum: 0, maximum: 10, exclusiveMinimum: -1, exclusiveMaximum: 11, multipleOf: 2 },
        code: { type: 'string', pattern: '^[A-Z]{3}$', format: 'uuid' },
        list: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 5 },
      };

      expect(toStrictJsonSchema({ type: 'object', properties: kept, required: ['count', 'code', 'list'] }).schema.properties).toEqual(kept);
    });

    it('drops $schema, $id, $comment, default and examples everywhere', () => {
      const schema = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'args',
        $comment: 'c',
        type: 'object',
        properties: { n: { type: 'number', default: 3, examples: [1, 2], $comment: 'n' } },
        required: ['n'],
      };

      expect(toStrictJsonSchema(schema).schema).toEqual({
        type: 'object',
        properties: { n: { type: 'number' } },
        required: ['n'],
        additionalProperties: false,
      });
    });
  });

  describe('refs', () => {
    it('inlines class-validator-jsonschema style #/definitions refs', () => {
      const schema = {
        type: 'object',
        properties: {
          customer: { type: 'string', minLength: 3, maxLength: 80 },
          items: { type: 'array', items: { $ref: '#/definitions/Item' } },
          note: { type: 'string' },
        },
        required: ['customer', 'items'],
        definitions: {
          Item: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku'] },
          Unrelated: { type: 'object', properties: { x: { type: 'string' } } },
        },
      };

      expect(toStrictJsonSchema(schema)).toEqual({
        strict: true,
        schema: {
          type: 'object',
          properties: {
            customer: { type: 'string', description: 'minLength: 3, maxLength: 80' },
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: { sku: { type: 'string' }, qty: { type: ['integer', 'null'], minimum: 1 } },
                required: ['sku', 'qty'],
                additionalProperties: false,
              },
            },
            note: { type: ['string', 'null'] },
          },
          required: ['customer', 'items', 'note'],
          additionalProperties: false,
        },
      });
    });

    it('inlines a zod-4 style draft 2020-12 schema with $defs', () => {
      const schema = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          query: { type: 'string', minLength: 1, maxLength: 200 },
          limit: { type: 'integer', minimum: 1, maximum: 50 },
          filters: { type: 'array', items: { $ref: '#/$defs/Filter' } },
          sort: { anyOf: [{ type: 'string', enum: ['asc', 'desc'] }, { type: 'null' }] },
        },
        required: ['query', 'sort'],
        additionalProperties: false,
        $defs: {
          Filter: {
            type: 'object',
            properties: { field: { type: 'string', enum: ['name', 'date'] }, value: { type: 'string' } },
            required: ['field', 'value'],
            additionalProperties: false,
          },
        },
      };

      expect(toStrictJsonSchema(schema)).toEqual({
        strict: true,
        schema: {
          type: 'object',
          properties: {
            query: { type: 'string', description: 'minLength: 1, maxLength: 200' },
            limit: { type: ['integer', 'null'], minimum: 1, maximum: 50 },
            filters: {
              type: ['array', 'null'],
              items: {
                type: 'object',
                properties: { field: { type: 'string', enum: ['name', 'date'] }, value: { type: 'string' } },
                required: ['field', 'value'],
                additionalProperties: false,
              },
            },
            sort: { anyOf: [{ type: 'string', enum: ['asc', 'desc'] }, { type: 'null' }] },
          },
          required: ['query', 'limit', 'filters', 'sort'],
          additionalProperties: false,
        },
      });
    });

    it('gives up on a recursive schema: loose form, not strict, reason naming the ref', () => {
      expect(toStrictJsonSchema(recursiveSchema)).toEqual({
        strict: false,
        schema: toLooseJsonSchema(recursiveSchema),
        reason: 'the schema is recursive through $ref "#/$defs/Node", so it cannot be inlined',
      });
    });

    it('throws for non-local refs', () => {
      expect(() => toStrictJsonSchema({ type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } })).toThrow('only local $ref values');
    });
  });

  describe('schemas with no strict form', () => {
    it.each([
      ['additionalProperties true', { type: 'object', additionalProperties: true }, 'properties.meta: a free-form object (additionalProperties) cannot be made strict'],
      ['additionalProperties schema', { type: 'object', additionalProperties: { type: 'string' } }, 'properties.meta: a free-form object (additionalProperties) cannot be made strict'],
      ['patternProperties', { type: 'object', patternProperties: { '^x-': { type: 'string' } } }, 'properties.meta: an object with patternProperties cannot be made strict'],
      ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }] }, 'properties.meta: tuple arrays (prefixItems or an items array) cannot be made strict'],
      ['an items array', { type: 'array', items: [{ type: 'string' }] }, 'properties.meta: tuple arrays (prefixItems or an items array) cannot be made strict'],
      ['a false schema', false, 'properties.meta: the schema false cannot be made strict'],
      ['a schema without a type', { description: 'Anything' }, 'properties.meta: a schema without a type (any value) cannot be made strict'],
      ['the empty schema', {}, 'properties.meta: a schema without a type (any value) cannot be made strict'],
      ['the true schema', true, 'properties.meta: a schema without a type (any value) cannot be made strict'],
      ['an array without items', { type: 'array' }, 'properties.meta: an array without items cannot be made strict'],
      ['an array of anything', { type: 'array', items: {} }, 'properties.meta.items: a schema without a type (any value) cannot be made strict'],
    ])('refuses %s, naming its path', (_label, meta, reason) => {
      const schema = { type: 'object', properties: { meta } };

      expect(toStrictJsonSchema(schema)).toEqual({ strict: false, schema: toLooseJsonSchema(schema), reason });
    });

    it('names a deep path', () => {
      const schema = {
        type: 'object',
        properties: { list: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { tags: { type: 'object', additionalProperties: true } } }] } } },
      };

      expect(toStrictJsonSchema(schema).reason).toBe('properties.list.items.anyOf.1.properties.tags: a free-form object (additionalProperties) cannot be made strict');
    });

    it('refuses a free-form root', () => {
      expect(toStrictJsonSchema({ type: 'object', additionalProperties: true }).reason).toBe('(root): a free-form object (additionalProperties) cannot be made strict');
    });

    it('refuses a root that is not an object', () => {
      expect(toStrictJsonSchema({ type: 'string' })).toEqual({
        strict: false,
        schema: { type: 'string' },
        reason: 'the root schema must be type "object", not "string"',
      });
      expect(toStrictJsonSchema({ enum: ['a'] }).strict).toBe(false);
    });

    it('refuses an anyOf or oneOf at the root, offering the loose form', () => {
      const anyOf = { anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }] };
      const oneOf = { oneOf: anyOf.anyOf };
      const reason = 'the root schema is an anyOf: strict mode needs one object schema at the root';

      expect(toStrictJsonSchema(anyOf)).toEqual({ strict: false, schema: { type: 'object', properties: {}, anyOf: anyOf.anyOf }, reason });
      expect(toStrictJsonSchema(oneOf)).toEqual({ strict: false, schema: { type: 'object', properties: {}, oneOf: anyOf.anyOf }, reason });
    });

    it('refuses a root anyOf even after inlining a root $ref', () => {
      const schema = { $ref: '#/$defs/Either', $defs: { Either: { anyOf: [{ type: 'object' }, { type: 'object' }] } } };

      expect(toStrictJsonSchema(schema).strict).toBe(false);
    });
  });

  it('does not mutate its input', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, default: 'x' },
        kind: { enum: ['a', 'b'] },
        item: { $ref: '#/$defs/Item', description: 'The item' },
        choice: { oneOf: [{ type: 'string' }, { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }] }] },
      },
      $defs: { Item: { type: 'object', properties: { n: { type: 'number' } } } },
    };
    const before = structuredClone(schema);

    const result = toStrictJsonSchema(schema);

    expect(result.strict).toBe(true);
    expect(schema).toEqual(before);
  });
});

describe('removeOmittedNulls', () => {
  const schema = {
    type: 'object',
    properties: {
      query: { type: 'string' },
      limit: { type: 'integer' },
      cursor: { type: ['string', 'null'] },
      level: { enum: ['low', 'high', null] },
      mode: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      variant: { oneOf: [{ type: 'number' }, { type: 'null' }] },
      nothing: { const: null },
      anything: {},
      address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
      items: { type: 'array', items: { $ref: '#/definitions/Item' } },
      target: {
        anyOf: [
          { type: 'string' },
          { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, tag: { type: 'string' } }, required: ['id'] } },
          { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] },
        ],
      },
    },
    required: ['query'],
    definitions: { Item: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku'] } },
  };

  it('returns arguments holding no null at any depth as they are, and still prunes a null nested deep', () => {
    const clean = { query: 'q', address: { city: 'Oslo' }, items: [{ sku: 'a', qty: 1 }], target: [{ id: 'x' }] };
    expect(removeOmittedNulls(clean, schema)).toBe(clean);
    expect(removeOmittedNulls({ query: 'q', items: [{ sku: 'a', qty: null }] }, schema)).toEqual({ query: 'q', items: [{ sku: 'a' }] });
  });

  it('drops nulls sent for optional properties that do not allow null', () => {
    expect(removeOmittedNulls({ query: 'q', limit: null, anything: null }, schema)).toEqual({ query: 'q' });
  });

  it('keeps nulls for required properties, for properties that allow null, and for unknown keys', () => {
    const value = { query: null, cursor: null, level: null, mode: null, variant: null, nothing: null, extra: null };

    expect(removeOmittedNulls(value, schema)).toEqual(value);
  });

  it('walks nested objects', () => {
    expect(removeOmittedNulls({ query: 'q', address: { city: null, zip: null } }, schema)).toEqual({ query: 'q', address: { city: null } });
  });

  it('walks array items, through the original definitions', () => {
    const value = { query: 'q', items: [{ sku: 'a', qty: null }, { sku: 'b', qty: 2 }, 'not an object'] };

    expect(removeOmittedNulls(value, schema)).toEqual({ query: 'q', items: [{ sku: 'a' }, { sku: 'b', qty: 2 }, 'not an object'] });
  });

  it('walks tuple items', () => {
    const tuple = { type: 'array', prefixItems: [{ type: 'object', properties: { a: { type: 'string' } } }], items: { type: 'object', properties: { b: { type: 'string' } } } };

    expect(removeOmittedNulls([{ a: null, b: null }, { a: null, b: null }], tuple)).toEqual([{ b: null }, { a: null }]);
  });

  it('follows the anyOf branch whose type matches the value', () => {
    expect(removeOmittedNulls({ query: 'q', target: { name: 'Rex', age: null } }, schema)).toEqual({ query: 'q', target: { name: 'Rex' } });
    expect(removeOmittedNulls({ query: 'q', target: [{ id: '1', tag: null }] }, schema)).toEqual({ query: 'q', target: [{ id: '1' }] });
    expect(removeOmittedNulls({ query: 'q', target: 'plain' }, schema)).toEqual({ query: 'q', target: 'plain' });
  });

  it('follows oneOf branches, and branches given as refs or without a type', () => {
    const union = {
      type: 'object',
      properties: {
        shape: { oneOf: [{ $ref: '#/$defs/Circle' }, { properties: { side: { type: 'number' }, label: { type: 'string' } } }] },
      },
      $defs: { Circle: { type: 'object', properties: { radius: { type: 'number' } } } },
    };

    expect(removeOmittedNulls({ shape: { radius: null } }, union)).toEqual({ shape: {} });
  });

  it('picks the object branch of a discriminated union that fits the value', () => {
    const union = {
      type: 'object',
      properties: {
        action: {
          oneOf: [
            { type: 'object', properties: { kind: { const: 'move' }, to: { type: 'string' }, speed: { type: 'number' } }, required: ['kind', 'to'] },
            { type: 'object', properties: { kind: { enum: ['stop'] }, reason: { type: 'string' }, at: { type: 'string' } }, required: ['kind'] },
            { type: 'object', properties: { note: { type: 'string' }, extra: { type: 'string' } } },
          ],
        },
      },
    };

    expect(removeOmittedNulls({ action: { kind: 'move', to: 'A', speed: null } }, union)).toEqual({ action: { kind: 'move', to: 'A' } });
    expect(removeOmittedNulls({ action: { kind: 'stop', reason: null, at: null } }, union)).toEqual({ action: { kind: 'stop' } });
    expect(removeOmittedNulls({ action: { note: 'n', extra: null } }, union)).toEqual({ action: { note: 'n' } });
  });

  it('falls back to the first object branch when none fits', () => {
    const union = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { c: { type: 'string' } }, required: ['c'] },
      ],
    };

    expect(removeOmittedNulls({ b: null, unknown: 1 }, union)).toEqual({ unknown: 1 });
  });

  it('resolves refs lazily, so recursive schemas work', () => {
    const value = { tree: { value: 1, children: [{ value: 2, children: null }] } };

    expect(removeOmittedNulls(value, recursiveSchema)).toEqual({ tree: { value: 1, children: [{ value: 2 }] } });
  });

  it('applies keywords beside a $ref and every allOf member', () => {
    const composed = {
      type: 'object',
      properties: {
        owner: { $ref: '#/definitions/User', description: 'Owner' },
        extended: { allOf: [{ $ref: '#/definitions/User' }], properties: { role: { type: 'string' } } },
      },
      definitions: { User: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } }, required: ['id'] } },
    };
    const value = { owner: { id: '1', email: null }, extended: { id: '2', email: null, role: null } };

    expect(removeOmittedNulls(value, composed)).toEqual({ owner: { id: '1' }, extended: { id: '2' } });
  });

  it('keeps a null that a ref target or an allOf member allows', () => {
    const nullable = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/MaybeText' }, b: { allOf: [{ $ref: '#/$defs/MaybeText' }] } },
      $defs: { MaybeText: { type: ['string', 'null'] } },
    };

    expect(removeOmittedNulls({ a: null, b: null }, nullable)).toEqual({ a: null, b: null });
  });

  it('ends on cyclic schemas', () => {
    const cyclic = {
      type: 'object',
      properties: {
        a: { $ref: '#/$defs/A' },
        b: { $ref: '#/$defs/B' },
        loop: { $ref: '#/$defs/Loop' },
        alias: { $ref: '#/$defs/X' },
      },
      $defs: {
        A: { type: 'object', properties: { x: { type: 'string' } }, allOf: [{ $ref: '#/$defs/A' }], anyOf: [{ $ref: '#/$defs/A' }] },
        B: { anyOf: [{ $ref: '#/$defs/B' }] },
        Loop: { allOf: [{ $ref: '#/$defs/Loop' }] },
        X: { $ref: '#/$defs/Y' },
        Y: { $ref: '#/$defs/X' },
      },
    };

    expect(removeOmittedNulls({ a: { x: null }, b: null, loop: null, alias: null }, cyclic)).toEqual({ a: {} });
  });

  it('returns values that do not fit the schema as they are', () => {
    expect(removeOmittedNulls('text', schema)).toBe('text');
    expect(removeOmittedNulls(null, schema)).toBe(null);
    expect(removeOmittedNulls({ query: 'q', address: 'Main St', items: { sku: 'a', qty: null } }, schema)).toEqual({
      query: 'q',
      address: 'Main St',
      items: { sku: 'a', qty: null },
    });
    expect(removeOmittedNulls({ a: { b: null } }, { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } })).toEqual({ a: { b: null } });
  });

  it('undoes what the strict form asks the model for', () => {
    const { query, limit, cursor, address, items } = schema.properties;
    const original = { type: 'object', properties: { query, limit, cursor, address, items }, required: ['query'], definitions: schema.definitions };
    const strict = toStrictJsonSchema(original);
    expect(strict.strict).toBe(true);
    expect(strict.schema.required).toEqual(['query', 'limit', 'cursor', 'address', 'items']);

    const answer = { query: 'q', limit: null, cursor: null, address: { city: 'Oslo', zip: null }, items: [{ sku: 'a', qty: null }] };

    expect(removeOmittedNulls(answer, original)).toEqual({ query: 'q', cursor: null, address: { city: 'Oslo' }, items: [{ sku: 'a' }] });
  });

  it('does not mutate the value or the schema', () => {
    const value = { query: 'q', limit: null, address: { city: 'x', zip: null }, items: [{ sku: 'a', qty: null }] };
    const valueBefore = structuredClone(value);
    const schemaBefore = structuredClone(schema);

    const result = removeOmittedNulls(value, schema);

    expect(result).not.toBe(value);
    expect(value).toEqual(valueBefore);
    expect(schema).toEqual(schemaBefore);
  });
});
