import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { AgUiError, InvalidRunInputError } from '../errors/ag-ui.error.js';
import { parseRunInput } from './run-input.parser.js';

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function issuesOf(body: unknown): Array<{ path: string; message: string }> {
  const error = catchError(() => parseRunInput(body));
  expect(error).toBeInstanceOf(InvalidRunInputError);
  return (error as InvalidRunInputError).details!.issues as Array<{ path: string; message: string }>;
}

const minimal = { threadId: 't1', runId: 'r1', messages: [] };

describe('parseRunInput', () => {
  it('accepts a minimal input and fills in empty tools and context', () => {
    const input = parseRunInput({ ...minimal });
    expect(input.threadId).toBe('t1');
    expect(input.runId).toBe('r1');
    expect(input.messages).toEqual([]);
    expect(input.tools).toEqual([]);
    expect(input.context).toEqual([]);
  });

  it('keeps messages, tools, context and forwardedProps that are valid', () => {
    const input = parseRunInput({
      ...minimal,
      messages: [{ id: 'm1', role: 'user', content: 'hi' }],
      tools: [{ name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: {} } }],
      context: [{ description: 'tz', value: 'UTC' }],
      forwardedProps: { a: 1 },
    });
    expect(input.messages).toEqual([{ id: 'm1', role: 'user', content: 'hi' }]);
    expect(input.tools.map((t) => t.name)).toEqual(['lookup']);
    expect(input.context).toEqual([{ description: 'tz', value: 'UTC' }]);
    expect(input.forwardedProps).toEqual({ a: 1 });
  });

  it.each([
    ['null', null],
    ['an array', [minimal]],
    ['a string', JSON.stringify(minimal)],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects %s as the body with INVALID_INPUT / 400', (_label, body) => {
    const error = catchError(() => parseRunInput(body));
    expect(error).toBeInstanceOf(InvalidRunInputError);
    expect(error).toBeInstanceOf(AgUiError);
    const e = error as InvalidRunInputError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.name).toBe('InvalidRunInputError');
    expect(e.message).toMatch(/JSON object/);
  });

  it('names missing required fields by path', () => {
    const issues = issuesOf({ messages: [] });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['threadId', 'runId']));
    expect(paths).not.toContain('messages');
  });

  it('reports nested paths such as messages.0.role', () => {
    const error = catchError(() => parseRunInput({ ...minimal, messages: [{ id: 'm1', role: 'robot', content: 'hi' }] })) as InvalidRunInputError;
    expect(error).toBeInstanceOf(InvalidRunInputError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_INPUT');
    const issues = error.details!.issues as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toContain('messages.0.role');
    expect(error.message).toMatch(/^Invalid RunAgentInput: /);
    expect(error.message).toContain('messages.0.role: ');
    for (const issue of issues) expect(typeof issue.message).toBe('string');
  });

  it('rejects a null forwardedProps and names it', () => {
    const issues = issuesOf({ ...minimal, forwardedProps: null });
    expect(issues.map((i) => i.path)).toEqual(['forwardedProps']);
  });

  it('reports a wrongly typed top-level field by its name', () => {
    const issues = issuesOf({ ...minimal, messages: 'not-an-array' });
    expect(issues.map((i) => i.path)).toEqual(['messages']);
  });

  it('reports at most five issues', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, role: 'robot', content: 'x' }));
    const body = { threadId: 1, runId: 2, messages, tools: 'x', context: 'y' };
    // The schema itself finds more than five problems here, so the cap is what is tested.
    expect(RunAgentInputSchema.safeParse(body).error!.issues.length).toBeGreaterThan(5);
    const error = catchError(() => parseRunInput(body)) as InvalidRunInputError;
    const issues = error.details!.issues as unknown[];
    expect(issues).toHaveLength(5);
    expect(issues.slice(0, 2)).toEqual([expect.objectContaining({ path: 'threadId' }), expect.objectContaining({ path: 'runId' })]);
    expect(error.message.split('; ')).toHaveLength(5);
  });
});
