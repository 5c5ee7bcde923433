/**
 * Client-supplied values (ids, tool names, agent ids from the URL, messages that quote input)
 * pass through here before they reach a log line, so a client cannot forge lines: control
 * characters (newlines, ANSI escapes), C1 controls, line separators and bidi overrides are
 * written as `\uXXXX`, and long values are cut. This folder imports nothing: every floor may use it.
 */

/** Characters of a client value kept in a log line; the rest is cut and its length said. */
export const MAX_LOG_VALUE_LENGTH = 200;

// C0 and C1 controls (ESC starts ANSI sequences, U+009B is a one-byte CSI), line and
// paragraph separators, and the bidi controls that reorder what a reader sees.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One safe line for a client value: escaped, and at most `max` characters of it (plus a note of the cut). */
export function logValue(value: unknown, max = MAX_LOG_VALUE_LENGTH): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= max) return text.replace(UNSAFE, escapeChar);
  // Never end on half a surrogate pair.
  const end = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, end).replace(UNSAFE, escapeChar)}…(${text.length} chars)`;
}

/**
 * An error for `logger.error(message, stack)`: the stack's frames stay as they are (the code's
 * own lines), while its first line, the message, which may quote client input, is made safe.
 */
export function logStack(error: unknown, max = 1000): string {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return logValue(error, max);
  // V8 starts a stack with `${name}: ${message}`; searching for the first frame instead would
  // let a message that contains a fake frame carry a forged line past it.
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  const stack = error.stack;
  return stack.startsWith(header) ? logValue(header, max) + stack.slice(header.length) : logValue(stack, max);
}

/**
 * The same values as fields, for `logger.warn(message, fields)`: Nest's ConsoleLogger prints a
 * plain object after the message as structured params (beside the line, or as `params` in JSON
 * mode). Each value is made safe too, since some log printers write field values raw.
 */
export function logFields(fields: Record<string, unknown>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) safe[key] = logValue(value);
  return safe;
}
