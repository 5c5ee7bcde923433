import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';

export type EventEncoding = 'sse' | 'protobuf';

/**
 * Protobuf only when the client names the AG-UI media type itself with q > 0.
 * `*` / `*` (curl's default) and everything else get SSE: readable, and what HttpAgent asks for.
 */
export function negotiateEncoding(accept: string | undefined): EventEncoding {
  // Media types are case-insensitive (RFC 9110 §8.3.1).
  const ranges = accept?.toLowerCase();
  if (!ranges?.includes(AGUI_MEDIA_TYPE)) return 'sse';
  for (const range of ranges.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim());
    if (type !== AGUI_MEDIA_TYPE) continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0 ? 'protobuf' : 'sse';
  }
  return 'sse';
}

/** `application/json`, with or without parameters such as charset. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
