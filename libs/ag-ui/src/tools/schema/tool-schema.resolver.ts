import { Injectable } from '@nestjs/common';
import type { AgentToolOptions } from '../agent-tool.decorator.js';
import type { ToolParamDeclaration } from '../tool-param.decorator.js';
import { classValidatorToolSchema } from './class-validator.schema-source.js';
import { isJsonSchemaObject, type JsonSchema } from './json-schema.types.js';
import { JsonSchemaValidator } from './json-schema.validator.js';
import { isStandardSchema, standardToolSchema } from './standard.schema-source.js';
import { toolParamsSchema } from './tool-params.schema-source.js';
import type { ToolSchema } from './tool-schema.interface.js';

/** What the explorer knows of one tool method, from its decorators and TypeScript's metadata. */
export interface ToolMethodShape {
  source: string;
  options: AgentToolOptions;
  /** The `@ToolArgs()` parameter's position, if it has one. */
  argsIndex?: number;
  params: ToolParamDeclaration[];
  paramTypes: unknown[];
}

/** A tool that declares no arguments takes exactly `{}`, and says so to the model. */
const NO_ARGUMENTS: JsonSchema = { type: 'object', properties: {}, additionalProperties: false };

// What TypeScript's metadata holds for types that are not DTOs: interfaces, aliases and built-ins.
const NOT_DTOS = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Date, Promise, Map, Set, Symbol, BigInt]);

function isClass(value: unknown): value is new (...args: any[]) => object {
  return typeof value === 'function' && value.prototype !== undefined && !NOT_DTOS.has(value);
}

/**
 * Picks a tool's one schema source: `parameters` (Standard Schema, DTO class or raw JSON
 * Schema), else a DTO-typed `@ToolArgs()`, else `@ToolParam()`s, else no arguments.
 * `@ToolParam()` beside another source is a bootstrap error rather than a guess.
 */
@Injectable()
export class ToolSchemaResolver {
  constructor(private readonly validator: JsonSchemaValidator) {}

  async resolve(shape: ToolMethodShape): Promise<ToolSchema> {
    const { source, options, argsIndex, params, paramTypes } = shape;
    const argsType = argsIndex === undefined ? undefined : paramTypes[argsIndex];
    if (params.length && argsIndex !== undefined) throw new Error(`${source} uses both @ToolArgs() and @ToolParam(): pick one`);
    if (params.length && options.parameters) throw new Error(`${source} has @ToolParam() and @AgentTool({ parameters }): pick one`);

    // Given, `parameters` is the schema: TypeScript's metadata for a type like `z.output<…>` can name a runtime function that is no DTO.
    if (options.parameters !== undefined) return this.fromSchema(options.parameters, source, '@AgentTool() parameters');
    if (isClass(argsType)) return classValidatorToolSchema(argsType, source);
    if (argsIndex !== undefined) {
      throw new Error(`@ToolArgs() on ${source} needs a DTO class as its type, or @AgentTool({ parameters }): an interface or type alias leaves no schema at run time`);
    }
    if (params.length) return toolParamsSchema(params, paramTypes, source, this.validator);
    return this.noArgumentsSchema();
  }

  /**
   * No declared arguments: the schema the model is shown is also the check, so an argument the
   * model invents (or an array, or a string) is refused like any invalid argument, never handed to the method.
   */
  private noArgumentsSchema(): ToolSchema {
    const check = this.validator.compile(NO_ARGUMENTS);
    return { source: 'none', jsonSchema: { ...NO_ARGUMENTS, properties: {} }, check: async (args) => check(args) };
  }

  /** A schema given as a value (a tool's `parameters`, an agent's `stateSchema`), from whichever source it is. */
  async fromSchema(schema: unknown, source: string, what: string): Promise<ToolSchema> {
    if (isStandardSchema(schema)) return standardToolSchema(schema, source);
    if (isClass(schema)) return classValidatorToolSchema(schema, source);
    if (isJsonSchemaObject(schema)) return this.jsonToolSchema(schema, source, what);
    throw new Error(`${what} of ${source} must be a Standard Schema, a DTO class or a JSON Schema object`);
  }

  private jsonToolSchema(schema: JsonSchema, source: string, what: string): ToolSchema {
    try {
      const check = this.validator.compile(schema);
      return { source: 'json-schema', jsonSchema: schema, check: async (args) => check(args) };
    } catch (error) {
      throw new Error(`${what} of ${source} is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
}
