import type { ValidationError } from 'class-validator';
import { toolPropertiesOf } from '../tool-property.decorator.js';
import { formatProblem } from './argument-problem.js';
import { inlineRefs, RecursiveSchemaError } from './json-schema.refs.js';
import { isJsonSchemaObject, type JsonSchema } from './json-schema.types.js';
import type { ToolSchema } from './tool-schema.interface.js';

type Dto = new (...args: any[]) => object;

/** class-validator and its companions, loaded only when an app has DTO tools: they are optional peers. */
interface DtoToolkit {
  validate: typeof import('class-validator').validate;
  hasValidation(type: Function): boolean;
  plainToInstance: typeof import('class-transformer').plainToInstance;
  toSchema(type: Function): JsonSchema;
  nestedTypeOf(type: Function, property: string): Function | undefined;
}

let toolkit: Promise<DtoToolkit> | undefined;

async function loadToolkit(): Promise<DtoToolkit> {
  const [validator, transformer, storage, converter] = await Promise.all([
    import('class-validator'),
    import('class-transformer'),
    // The storage class-transformer's own @Type() writes to: the CommonJS build its main entry is.
    import('class-transformer/cjs/storage.js' as string) as Promise<{ defaultMetadataStorage: TypeStorage }>,
    import('class-validator-jsonschema'),
  ]).catch((error: unknown) => {
    throw new Error(
      'DTO tool arguments need class-validator, class-transformer and class-validator-jsonschema: ' +
        `npm install class-validator class-transformer class-validator-jsonschema (${(error as Error).message})`,
    );
  });
  type ConverterOptions = NonNullable<Parameters<typeof converter.targetConstructorToSchema>[1]>;
  const options = { classTransformerMetadataStorage: storage.defaultMetadataStorage, refPointerPrefix: '#/definitions/' } as unknown as ConverterOptions;
  return {
    validate: validator.validate,
    hasValidation: (type) => validator.getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0,
    plainToInstance: transformer.plainToInstance,
    // Nested DTOs come back as `$ref`s into the map of every known class: keep the ones this DTO reaches.
    toSchema: (type) => {
      const root = converter.targetConstructorToSchema(type, options) as JsonSchema;
      return { ...root, definitions: reachableDefinitions(root, converter.validationMetadatasToSchemas(options) as Record<string, JsonSchema>) };
    },
    nestedTypeOf: (type, property) => storage.defaultMetadataStorage.findTypeMetadata(type, property)?.typeFunction() as Function | undefined,
  };
}

interface TypeStorage {
  findTypeMetadata(target: Function, property: string): { typeFunction(): unknown } | undefined;
}

function reachableDefinitions(root: JsonSchema, all: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const kept: Record<string, JsonSchema> = {};
  const pending = [root];
  while (pending.length) {
    for (const [, name] of JSON.stringify(pending.pop()).matchAll(/"#\/definitions\/([^"]+)"/g)) {
      if (name === undefined || name in kept || !all[name]) continue;
      kept[name] = all[name];
      pending.push(all[name]);
    }
  }
  return kept;
}

export function dtoToolkit(): Promise<DtoToolkit> {
  toolkit ??= loadToolkit();
  return toolkit;
}

/**
 * Applies `@ToolProperty()` descriptions to the schema of `type` and of its nested DTOs, and
 * closes each object: validation runs with `forbidNonWhitelisted`, so the schema must say so too.
 */
function describeProperties(schema: JsonSchema, type: Function, kit: DtoToolkit): void {
  schema.additionalProperties ??= false;
  const properties = isJsonSchemaObject(schema.properties) ? schema.properties : {};
  const declared = toolPropertiesOf(type);
  for (const [name, property] of Object.entries(properties)) {
    if (!isJsonSchemaObject(property)) continue;
    const options = declared[name];
    if (options?.description) property.description = options.description;
    if (options?.schema) Object.assign(property, options.schema);
    const nested = kit.nestedTypeOf(type, name);
    if (!nested) continue;
    for (const candidate of [property, property.items, ...(Array.isArray(property.anyOf) ? property.anyOf : [])]) {
      if (isJsonSchemaObject(candidate) && isJsonSchemaObject(candidate.properties)) describeProperties(candidate, nested, kit);
    }
  }
}

function problemsOf(errors: ValidationError[], path: string[] = []): string[] {
  return errors.flatMap((error) => {
    const here = [...path, error.property];
    const own = Object.values(error.constraints ?? {}).map((message) => formatProblem(here, message));
    return [...own, ...problemsOf(error.children ?? [], here)];
  });
}

/** A class-validator DTO: the converter describes it, `plainToInstance` + `validate` check it. */
export async function classValidatorToolSchema(type: Dto, source: string): Promise<ToolSchema> {
  const kit = await dtoToolkit();
  if (!kit.hasValidation(type)) {
    throw new Error(`@ToolArgs() on ${source} is typed ${type.name}, which has no class-validator decorators: decorate its properties, or give @AgentTool({ parameters })`);
  }
  const converted = kit.toSchema(type);
  let jsonSchema: JsonSchema;
  try {
    jsonSchema = inlineRefs(converted);
    describeProperties(jsonSchema, type, kit);
  } catch (error) {
    // A DTO that contains itself keeps its `$ref`s; the strict pass then offers it without strict.
    if (!(error instanceof RecursiveSchemaError)) throw error;
    jsonSchema = converted;
  }
  return {
    source: 'class-validator',
    jsonSchema,
    async check(args) {
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, problems: ['the arguments must be a JSON object'] };
      const instance = kit.plainToInstance(type, args);
      const errors = await kit.validate(instance, { whitelist: true, forbidNonWhitelisted: true });
      return errors.length ? { ok: false, problems: problemsOf(errors) } : { ok: true, value: instance };
    },
  };
}
