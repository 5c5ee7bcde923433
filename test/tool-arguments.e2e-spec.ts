import { Injectable } from '@nestjs/common';
import { EventType } from '@ag-ui/core';
import { AgentTool, ToolParam, type AgentRunContext } from 'nestjs-ag-ui';
import { expectValidRun, ofType } from './support/ag-ui.assertions.js';
import type { FakeToolCall } from './support/fake-openai.server.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Tools that declare no arguments (schema source `none`), and one that does, for comparison. */
@Injectable()
class NoArgumentTools {
  readonly calls: Array<{ tool: string; args?: unknown }> = [];

  @AgentTool({ description: 'Tell the time' })
  tellTime() {
    this.calls.push({ tool: 'tellTime' });
    return 'noon';
  }

  /** No parameter decorators and no `parameters`: called as `(args, context)`, and `args` can only be `{}`. */
  @AgentTool({ description: 'Say where the run is' })
  whereAmI(args: unknown, context: AgentRunContext) {
    this.calls.push({ tool: 'whereAmI', args });
    return context.threadId ? 'in a thread' : 'nowhere';
  }

  @AgentTool({ description: 'Add two numbers' })
  add(@ToolParam('a') a: number, @ToolParam('b') b: number) {
    this.calls.push({ tool: 'add', args: { a, b } });
    return a + b;
  }
}

describe('a tool without declared arguments takes none', () => {
  let t: TestApp;
  let tools: NoArgumentTools;

  beforeAll(async () => {
    t = await startTestApp({ providers: [NoArgumentTools] });
    tools = t.app.get(NoArgumentTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.fake.reset();
    tools.calls.length = 0;
  });

  /** One turn with these calls, then a text answer; the results by call id. */
  const run = async (calls: Array<Required<Pick<FakeToolCall, 'id' | 'name' | 'args'>>>) => {
    t.fake.enqueue({ kind: 'tool-calls', calls }, { kind: 'text', text: 'done' });
    const result = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('go')] });
    await expectValidRun(result.events, result.input);
    expect(t.fake.pending).toBe(0);
    return new Map(ofType(result.events, EventType.TOOL_CALL_RESULT).map((event) => [event.toolCallId as string, event.content as string]));
  };

  const refusal = (tool: string, problem: string) => `Error: Invalid arguments for ${tool}: ${problem}. Correct them and call ${tool} again.`;

  it('shows the model an object with no properties and no others allowed, strict', async () => {
    t.fake.enqueue({ kind: 'text', text: 'hi' });
    await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')] });
    const offered = t.fake.requests[0]!.body.tools as Array<{ function: { name: string; strict?: boolean; parameters: Record<string, unknown> } }>;
    for (const name of ['tellTime', 'whereAmI']) {
      const tool = offered.find((candidate) => candidate.function.name === name)!;
      expect(tool.function.strict).toBe(true);
      expect(tool.function.parameters).toMatchObject({ type: 'object', properties: {}, additionalProperties: false });
    }
    expect(t.fake.rejected).toEqual([]);
  });

  it('refuses invented arguments, an array and null with the standard tool error, and never calls the method', async () => {
    const results = await run([
      { id: 'extra', name: 'tellTime', args: '{"unexpected":1}' },
      { id: 'array', name: 'tellTime', args: '[1,2,3]' },
      { id: 'null', name: 'tellTime', args: 'null' },
      { id: 'plain-extra', name: 'whereAmI', args: '{"unexpected":1}' },
      { id: 'plain-array', name: 'whereAmI', args: '[1,2,3]' },
      // The same mistake on a tool with declared arguments, for the shape of the error.
      { id: 'declared-extra', name: 'add', args: '{"a":1,"b":2,"unexpected":1}' },
    ]);

    expect(results.get('extra')).toBe(refusal('tellTime', 'unexpected: is not an allowed property'));
    expect(results.get('array')).toBe(refusal('tellTime', 'must be object'));
    expect(results.get('null')).toBe(refusal('tellTime', 'must be object'));
    expect(results.get('plain-extra')).toBe(refusal('whereAmI', 'unexpected: is not an allowed property'));
    expect(results.get('plain-array')).toBe(refusal('whereAmI', 'must be object'));
    expect(results.get('declared-extra')).toBe(refusal('add', 'unexpected: is not an allowed property'));
    expect(tools.calls).toEqual([]);
    // The model read each refusal as the result of its call.
    const toolMessages = (t.fake.requests[1]!.body.messages as Array<{ role: string; tool_call_id?: string; content: string }>).filter((message) => message.role === 'tool');
    expect(toolMessages.find((message) => message.tool_call_id === 'extra')?.content).toBe(results.get('extra'));
  });

  it('runs with {} and with no argument text at all (""), the method getting {}', async () => {
    const results = await run([
      { id: 'empty-object', name: 'tellTime', args: '{}' },
      { id: 'empty-text', name: 'tellTime', args: '' },
      { id: 'blank-text', name: 'tellTime', args: '  ' },
      { id: 'plain-empty-object', name: 'whereAmI', args: '{}' },
      { id: 'plain-empty-text', name: 'whereAmI', args: '' },
    ]);

    expect(Object.fromEntries(results)).toEqual({
      'empty-object': 'noon',
      'empty-text': 'noon',
      'blank-text': 'noon',
      'plain-empty-object': 'in a thread',
      'plain-empty-text': 'in a thread',
    });
    // Calls run concurrently: compare without their order.
    const byTool = (call: { tool: string }) => call.tool;
    expect(tools.calls.map(byTool).sort()).toEqual(['tellTime', 'tellTime', 'tellTime', 'whereAmI', 'whereAmI']);
    expect(tools.calls.filter((call) => call.tool === 'whereAmI').map((call) => call.args)).toEqual([{}, {}]);
  });
});
