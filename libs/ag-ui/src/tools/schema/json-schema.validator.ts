import { Injectable } from '@nestjs/common';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { formatProblem } from './argument-problem.js';
import type { JsonSchema } from './json-schema.types.js';
import type { ArgumentCheck } from './tool-schema.interface.js';

// ajv-formats is CommonJS with a `default` export; under Node's ESM interop it can arrive either way.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

function describe(error: ErrorObject): { path: string[]; message: string } {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: 'is not an allowed property' };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` };
    default:
      return { path, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/** Compiles raw JSON Schemas (drafts 07 and 2020-12 alike) into argument checks, with one ajv for the app. */
@Injectable()
export class JsonSchemaValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });

  constructor() {
    addFormats(this.ajv);
  }

  compile(schema: JsonSchema): (value: unknown) => ArgumentCheck {
    // A `$schema` naming another draft makes ajv look for a meta-schema it does not hold.
    const { $schema: _ignored, ...body } = schema;
    const validate: ValidateFunction = this.ajv.compile(body);
    return (value) => {
      if (validate(value)) return { ok: true, value };
      return { ok: false, problems: (validate.errors ?? []).map((error) => { const { path, message } = describe(error); return formatProblem(path, message); }) };
    };
  }
}
