import { logStack, logValue, MAX_LOG_VALUE_LENGTH } from './log-value.js';

describe('logValue', () => {
  it('keeps ordinary ids as they are', () => {
    expect(logValue('0b5e4c1e-6a8f-4c2e-9d1a-3f7b2c9e8a10')).toBe('0b5e4c1e-6a8f-4c2e-9d1a-3f7b2c9e8a10');
    expect(logValue('call_abc123')).toBe('call_abc123');
  });

  it('writes newlines, carriage returns, ANSI escapes, C1 controls, separators and bidi overrides as escapes', () => {
    const forged = 'r1\n[Nest] 1 - ERROR [Auth] forged\r\u001b[31mred\u009b2J\u2028x\u202eevil\u0000';
    const safe = logValue(forged);
    expect(safe).toBe('r1\\n[Nest] 1 - ERROR [Auth] forged\\r\\u001b[31mred\\u009b2J\\u2028x\\u202eevil\\u0000');
    expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });

  it('cuts long values and says how long they were', () => {
    const safe = logValue('a'.repeat(5 * 1024 * 1024));
    expect(safe).toBe(`${'a'.repeat(MAX_LOG_VALUE_LENGTH)}…(5242880 chars)`);
    expect(logValue('abcdef', 3)).toBe('abc…(6 chars)');
  });

  it('never ends a cut value on half a surrogate pair', () => {
    expect(logValue('ab😀cd', 3)).toBe('ab…(6 chars)');
  });

  it('turns anything into a string', () => {
    expect(logValue(undefined)).toBe('undefined');
    expect(logValue(42)).toBe('42');
  });
});

describe('logStack', () => {
  it("keeps the stack's frames on their lines and makes its message safe", () => {
    const error = new Error('Order 1\n[Nest] 1 - LOG forged\n    at fake (x.js:1:1)');
    const stack = logStack(error);
    const [first, ...frames] = stack.split('\n');
    expect(first).toBe('Error: Order 1\\n[Nest] 1 - LOG forged\\n    at fake (x.js:1:1)');
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^\s+at /);
  });

  it('makes a value that is not an error one safe line', () => {
    expect(logStack('boom\nforged')).toBe('boom\\nforged');
  });

  it('flattens a stack that does not start with its message', () => {
    const error = new Error('m');
    error.stack = 'custom\nforged';
    expect(logStack(error)).toBe('custom\\nforged');
  });
});
