import { HttpException } from '@nestjs/common';
import { AgUiError } from '../errors/ag-ui.error.js';

export interface SafeError {
  code: string;
  message: string;
  /** Whether the error is ours and already safe; otherwise the stack belongs in the log. */
  expected: boolean;
}

/** The one mapping from any failure to what a client may see: a stable code and a message without internals. */
export function toSafeError(error: unknown): SafeError {
  if (error instanceof AgUiError) return { code: error.code, message: error.message, expected: true };
  if (error instanceof HttpException) return { code: `HTTP_${error.getStatus()}`, message: error.message, expected: true };
  return { code: 'INTERNAL_ERROR', message: 'The agent failed unexpectedly', expected: false };
}
