import { checkValueBounds, scanJsonBounds, type JsonBounds } from './json-bounds.scanner.js';

const bounds: JsonBounds = { maxDepth: 3, maxStringChars: 10, maxItems: 5 };
const codeOf = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('scanJsonBounds', () => {
  it.each([
    ['depth at the limit', '{"a":[[1]]}', undefined],
    ['depth over the limit', '{"a":[[[1]]]}', 'INPUT_TOO_DEEP'],
    ['brackets inside strings do not nest', '{"a":"[[[[["}', undefined],
    ['an escaped quote does not end a string', '{"a":"\\"[[[["}', undefined],
    ['an escaped backslash before the quote ends it', '{"a":"x\\\\","b":[[[1]]]}', 'INPUT_TOO_DEEP'],
    ['a string at the limit', '{"a":"0123456789"}', undefined],
    ['a string over the limit', '{"a":"01234567890"}', 'INPUT_TOO_COMPLEX'],
    ['items at the limit', '[1,2,3,4,5]', undefined],
    ['items over the limit', '[1,2,3,4,5,6,7]', 'INPUT_TOO_COMPLEX'],
    ['an unterminated string is left to JSON.parse', '{"a":"[[[[', undefined],
  ])('%s', (_name, text, code) => {
    expect(codeOf(() => scanJsonBounds(text, bounds))).toBe(code);
  });
});

describe('checkValueBounds', () => {
  it('bounds a parsed value the same way, without recursion', () => {
    expect(codeOf(() => checkValueBounds({ a: [[1]] }, bounds))).toBeUndefined();
    expect(codeOf(() => checkValueBounds({ a: [[[1]]] }, bounds))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => checkValueBounds({ a: 'x'.repeat(11) }, bounds))).toBe('INPUT_TOO_COMPLEX');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(codeOf(() => checkValueBounds(deep, bounds))).toBe('INPUT_TOO_DEEP');
  });
});
