import type { IncomingMessage } from 'node:http';
import { InvalidRunInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/ag-ui.error.js';
import { checkValueBounds, scanJsonBounds, type JsonBounds } from '../protocol/json-bounds.scanner.js';
import { isJsonContentType } from '../protocol/media-type.js';
import { restoreBodyFraming } from './body-reading.check.js';

/**
 * The request's JSON body, read here after the guards ran: a declared Content-Length over `limit`
 * is refused before a byte is read, the bytes are counted while they arrive, and the text's shape
 * (depth, strings, items) is bounded before JSON.parse. `parsed` is what a platform parser made
 * when the app still lets one read the module's bodies (AgUiBodyCheck warns at bootstrap): it is
 * then bounded by a walk, since its text is gone.
 */
export async function readJsonBody(req: IncomingMessage, parsed: unknown, limit: number, bounds: JsonBounds): Promise<unknown> {
  restoreBodyFraming(req);
  const contentType = req.headers['content-type'];
  if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (parsed !== undefined) {
    checkValueBounds(parsed, bounds);
    return parsed;
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new InvalidRunInputError('Body is empty: expected a JSON RunAgentInput');
  scanJsonBounds(text, bounds);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRunInputError(`Body is not valid JSON: ${(error as Error).message}`);
  }
}
