import type { IncomingMessage } from 'node:http';
import { InvalidRunInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/ag-ui.error.js';
import { isJsonContentType } from '../protocol/media-type.js';

/**
 * The request's JSON body, within `limit` bytes. The platform's body parser runs before any
 * module code and usually has parsed it already (`parsed`; its own limit applies first: on
 * Express Nest's JSON parser, on Fastify Fastify's `bodyLimit`); when none ran (Express with
 * `bodyParser: false`), the body is read here from node's request.
 */
export async function readJsonBody(req: IncomingMessage, parsed: unknown, limit: number): Promise<unknown> {
  const contentType = req.headers['content-type'];
  if (!isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  if (parsed !== undefined) return parsed;

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
