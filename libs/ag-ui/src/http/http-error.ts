import { HttpException } from '@nestjs/common';
import { AgUiError } from '../errors/ag-ui.error.js';

/**
 * An error raised before the stream opened, as a Nest HttpException, so the app's own
 * exception filters see it like any other. The JSON body names the code and the problem.
 */
export function toHttpException(error: unknown): unknown {
  if (!(error instanceof AgUiError)) return error;
  return new HttpException(
    { statusCode: error.status, error: error.code, message: error.message, ...(error.details ?? {}) },
    error.status,
    { cause: error },
  );
}
