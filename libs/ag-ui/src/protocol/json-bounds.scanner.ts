import { InputTooComplexError, InputTooDeepError } from '../errors/ag-ui.error.js';

/** Bounds on the shape of client JSON, checked on the raw text before JSON.parse builds anything. */
export interface JsonBounds {
  /** Nesting of objects and arrays. */
  maxDepth: number;
  /** Characters of one string (key or value), as sent (escapes count as written). */
  maxStringChars: number;
  /** Array items plus object keys in the whole document. */
  maxItems: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * One linear pass over the text: no allocation, no recursion, so a body at the limit costs a
 * bounded time and a hostile one is refused before JSON.parse (or any walk of the result) runs.
 * It does not validate JSON: malformed text is left to JSON.parse, which is linear too.
 */
export function scanJsonBounds(text: string, bounds: JsonBounds): void {
  const { maxDepth, maxStringChars, maxItems } = bounds;
  const length = text.length;
  let depth = 0;
  let items = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      // The closing quote is the next one not escaped: found natively, so long strings cost little.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) {
          i = length;
          break;
        }
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      if (i - start - 1 > maxStringChars) throw new InputTooComplexError(`a string of ${i - start - 1} characters, above the limit of ${maxStringChars}`, maxStringChars);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) throw new InputTooDeepError(maxDepth);
      items++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA) {
      if (++items > maxItems) throw new InputTooComplexError(`more than ${maxItems} array items and object keys`, maxItems);
    }
  }
}

/**
 * The same bounds over a value a platform's parser already built (an app that still lets its
 * parser read the module's bodies): iterative, so depth cannot overflow the stack.
 */
export function checkValueBounds(value: unknown, bounds: JsonBounds): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let items = 0;
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.length > bounds.maxStringChars) throw new InputTooComplexError(`a string of ${current.length} characters, above the limit of ${bounds.maxStringChars}`, bounds.maxStringChars);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > bounds.maxDepth) throw new InputTooDeepError(bounds.maxDepth);
    const children = Array.isArray(current) ? current : Object.values(current);
    items += children.length;
    if (items > bounds.maxItems) throw new InputTooComplexError(`more than ${bounds.maxItems} array items and object keys`, bounds.maxItems);
    for (const child of children) stack.push([child, depth + 1]);
  }
}
