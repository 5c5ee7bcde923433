import type { IncomingMessage } from 'node:http';
import { InvalidRunInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/ag-ui.error.js';
import { isJsonContentType } from '../protocol/media-type.js';

type BodyRequest = IncomingMessage & { body?: unknown };

/**
 * The request's JSON body, within `limit` bytes. Nest's own body parser runs before any
 * module code and usually has parsed it already (its limit applies first); when the app
 * turned that parser off, the body is read here.
 */
export async function readJsonBody(req: BodyRequest, limit: number): Promise<unknown> {
  const contentType = req.headers['content-type'];
  if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (req.body !== undefined) return req.body;

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new InvalidRunInputError('Body is empty: expected a JSON RunAgentInput');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRunInputError(`Body is not valid JSON: ${(error as Error).message}`);
  }
}
