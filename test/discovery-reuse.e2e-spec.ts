import { Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventType } from '@ag-ui/core';
import * as z from 'zod';
import { AgentTool, getToolInvocation, type AgentRunContext } from 'nestjs-ag-ui';
import { expectValidRun, ofType } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Reads the handler's metadata the way an app's role guard does, and records what it saw. */
@Injectable()
class LabelGuard implements CanActivate {
  static readonly seen: Array<{ phase?: string; label?: string; handler: string }> = [];
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const label = this.reflector.get<string | undefined>('label', context.getHandler());
    LabelGuard.seen.push({ phase: getToolInvocation(context)?.phase, label, handler: context.getHandler().name });
    return label === 'plain';
  }
}

/** Tool methods without parameter decorators: called as `(args, context)`. */
@Injectable()
class PlainTools {
  readonly calls: Array<{ tool: string; args: unknown; threadId: string }> = [];

  @AgentTool({ description: 'Tell the time' })
  tellTime(args: unknown, context: AgentRunContext) {
    this.calls.push({ tool: 'tellTime', args, threadId: context.threadId });
    return 'noon';
  }

  @AgentTool({ description: 'Repeat a text', parameters: z.object({ text: z.string() }) })
  echo(args: { text: string }, context: AgentRunContext) {
    this.calls.push({ tool: 'echo', args, threadId: context.threadId });
    return args.text;
  }

  @AgentTool({ description: 'A guarded tool' })
  @UseGuards(LabelGuard)
  @SetMetadata('label', 'plain')
  labelled() {
    this.calls.push({ tool: 'labelled', args: undefined, threadId: '' });
    return 'passed';
  }
}

/** Every metadata key on the class, on its methods' names (class and prototype) and on the method functions. */
function metadataOf(type: new (...args: any[]) => object): Record<string, unknown[]> {
  const prototype = type.prototype as Record<string, unknown>;
  const keys: Record<string, unknown[]> = { class: Reflect.getOwnMetadataKeys(type) };
  for (const name of Object.getOwnPropertyNames(prototype)) {
    keys[`${name}: on the class`] = Reflect.getOwnMetadataKeys(type, name);
    keys[`${name}: on the prototype`] = Reflect.getOwnMetadataKeys(prototype, name);
    const method = prototype[name];
    if (typeof method === 'function') keys[`${name}: on the function`] = Reflect.getOwnMetadataKeys(method);
  }
  return keys;
}

// Taken when the file loads, before any app is built.
const before = metadataOf(PlainTools);

describe('the same tool class in a new app per test (a testing module built in beforeEach)', () => {
  let t: TestApp;

  beforeEach(async () => {
    LabelGuard.seen.length = 0;
    t = await startTestApp({ providers: [PlainTools, LabelGuard] });
  });
  afterEach(() => t.close());

  const run = async (calls: Array<{ id: string; name: string; args: string }>) => {
    t.fake.enqueue({ kind: 'tool-calls', calls }, { kind: 'text', text: 'done' });
    const result = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('go')] });
    await expectValidRun(result.events, result.input);
    const results = new Map(ofType(result.events, EventType.TOOL_CALL_RESULT).map((event) => [event.toolCallId as string, event.content as string]));
    return { results, threadId: result.input.threadId };
  };

  const runsEveryTool = async () => {
    const { results, threadId } = await run([
      { id: 'time', name: 'tellTime', args: '{}' },
      { id: 'echo', name: 'echo', args: '{"text":"hello"}' },
      { id: 'label', name: 'labelled', args: '{}' },
    ]);
    expect(Object.fromEntries(results)).toEqual({ time: 'noon', echo: 'hello', label: 'passed' });
    const calls = t.app.get(PlainTools).calls;
    expect(calls.find((call) => call.tool === 'tellTime')).toEqual({ tool: 'tellTime', args: {}, threadId });
    expect(calls.find((call) => call.tool === 'echo')).toEqual({ tool: 'echo', args: { text: 'hello' }, threadId });
    // The guard read the method's own metadata through the handler, when offering and when calling.
    expect(LabelGuard.seen).toEqual([
      { phase: 'offer', label: 'plain', handler: 'labelled' },
      { phase: 'call', label: 'plain', handler: 'labelled' },
    ]);
  };

  it('the first app runs the tools', runsEveryTool);

  it('a second app in the same process boots and runs them too', runsEveryTool);

  it('a third app, with the tools offered, still sees the schema of a method with no declared arguments', async () => {
    t.fake.enqueue({ kind: 'text', text: 'hi' });
    await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')] });
    const offered = t.fake.requests[0]!.body.tools as Array<{ function: { name: string; parameters: unknown } }>;
    expect(offered.find((tool) => tool.function.name === 'tellTime')!.function.parameters).toMatchObject({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('building the apps changed no metadata of the tool class', () => {
    expect(metadataOf(PlainTools)).toEqual(before);
  });
});
