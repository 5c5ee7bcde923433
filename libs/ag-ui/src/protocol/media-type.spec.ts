import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';
import { isJsonContentType, negotiateEncoding } from './media-type.js';

describe('negotiateEncoding', () => {
  it.each([
    ['no Accept header', undefined],
    ['empty Accept header', ''],
    ['*/*', '*/*'],
    ['text/event-stream', 'text/event-stream'],
    ['application/*', 'application/*'],
    ['application/json', 'application/json'],
  ])('chooses SSE for %s', (_label, accept) => {
    expect(negotiateEncoding(accept)).toBe('sse');
  });

  it('chooses protobuf for the exact AG-UI proto media type', () => {
    expect(AGUI_MEDIA_TYPE).toBe('application/vnd.ag-ui.event+proto');
    expect(negotiateEncoding(AGUI_MEDIA_TYPE)).toBe('protobuf');
  });

  it('chooses protobuf when the proto type is listed among others, with or without parameters', () => {
    expect(negotiateEncoding(`text/event-stream, ${AGUI_MEDIA_TYPE}`)).toBe('protobuf');
    expect(negotiateEncoding(`text/event-stream;q=1, ${AGUI_MEDIA_TYPE};q=0.5, */*;q=0.1`)).toBe('protobuf');
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE}; charset=binary`)).toBe('protobuf');
  });

  it('chooses SSE when the proto type is explicitly refused with q=0', () => {
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE};q=0`)).toBe('sse');
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE}; q=0, text/event-stream`)).toBe('sse');
    expect(negotiateEncoding(`text/event-stream, ${AGUI_MEDIA_TYPE};q=0.0`)).toBe('sse');
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE};Q=0`)).toBe('sse');
  });

  it('does not take a longer media type that merely contains the proto type for it', () => {
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE}-v2`)).toBe('sse');
  });

  it('matches the q parameter case-insensitively', () => {
    expect(negotiateEncoding(`${AGUI_MEDIA_TYPE};Q=0.7`)).toBe('protobuf');
  });
});

describe('negotiateEncoding is case-insensitive, as media types are', () => {
  it.each(['Application/VND.AG-UI.Event+Proto', `text/event-stream, ${AGUI_MEDIA_TYPE.toUpperCase()};q=0.5`])('%s → protobuf', (accept) => {
    expect(negotiateEncoding(accept)).toBe('protobuf');
  });
});

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/vnd.api+json',
    '  application/ld+json ; profile=x',
  ])('accepts %s', (contentType) => {
    expect(isJsonContentType(contentType)).toBe(true);
  });

  it.each([undefined, '', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/plain+json'])(
    'rejects %s',
    (contentType) => {
      expect(isJsonContentType(contentType)).toBe(false);
    },
  );
});
