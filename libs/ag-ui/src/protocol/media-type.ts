import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';

export type EventEncoding = 'sse' | 'protobuf';

/**
 * Protobuf only when the client names the AG-UI media type itself with q > 0.
 * `*` / `*` (curl's default) and everything else get SSE: readable, and what HttpAgent asks for.
 */
export function negotiateEncoding(accept: string | undefined): EventEncoding {
  if (!accept || !accept.includes(AGUI_MEDIA_TYPE)) return 'sse';
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim());
    if (type?.toLowerCase() !== AGUI_MEDIA_TYPE) continue;
    const q = params.find((p) => p.toLowerCase().startsWith('q='));
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
