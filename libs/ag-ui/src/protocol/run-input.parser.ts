import type { RunAgentInput } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { InvalidRunInputError } from '../errors/ag-ui.error.js';

const MAX_REPORTED_ISSUES = 5;

/** `messages.0.role` style, readable in an error message and stable for clients to match. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

/**
 * Validates a parsed JSON body as AG-UI `RunAgentInput` with the protocol's own schema,
 * so the server accepts exactly what the spec allows. Errors name the offending fields.
 */
export function parseRunInput(body: unknown): RunAgentInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRunInputError('Body must be a JSON object (AG-UI RunAgentInput)');
  }
  const result = RunAgentInputSchema.safeParse(body);
  if (result.success) return result.data as RunAgentInput;

  const issues = result.error.issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InvalidRunInputError(`Invalid RunAgentInput: ${summary}`, { issues });
}
