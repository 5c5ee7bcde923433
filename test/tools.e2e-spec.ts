import { CanActivate, ExecutionContext, Injectable, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventType } from '@ag-ui/core';
import * as v from 'valibot';
import { AgUiModule, AgentTool, OfflineChatModel, ToolArgs, ToolContext, ToolParam } from 'nestjs-ag-ui';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';
import { AuditInterceptor, BearerGuard, ContextTools, RolesGuard, ScopedTools } from './fixtures/context.tools.js';
import { SchemaTools } from './fixtures/schema.tools.js';

const asAlice = { authorization: 'Bearer alice' };
const asBob = { authorization: 'Bearer bob' };

describe.each(PLATFORMS)('@AgentTool() methods in a guarded app (%s)', (platform) => {
  let t: TestApp;
  let schemaTools: SchemaTools;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [SchemaTools, ContextTools, ScopedTools, RolesGuard, AuditInterceptor],
      extras: { guards: [BearerGuard] },
    });
    schemaTools = t.app.get(SchemaTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.fake.reset();
    schemaTools.received.length = 0;
    RolesGuard.seen.length = 0;
  });

  const run = async (calls: Array<{ id: string; name: string; args: string }>, headers = asAlice, extra: { state?: unknown } = {}) => {
    t.fake.enqueue({ kind: 'tool-calls', calls }, { kind: 'text', text: 'done' });
    const result = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('go')], headers, ...extra });
    await expectValidRun(result.events, result.input);
    const results = new Map(ofType(result.events, EventType.TOOL_CALL_RESULT).map((event) => [event.toolCallId as string, event.content as string]));
    return { ...result, results };
  };

  it('offers every tool strict, in a form the OpenAI strict rules accept', async () => {
    t.fake.enqueue({ kind: 'text', text: 'hi' });
    await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('hi')], headers: asAlice });
    expect(t.fake.rejected).toEqual([]);
    const tools = t.fake.requests[0]!.body.tools;
    expect(tools.map((tool: any) => [tool.function.name, tool.function.strict])).toEqual(
      ['openTicket', 'add', 'searchOrders', 'refund', 'tagConversation', 'whoAmI', 'deleteCustomer', 'shout', 'reserve', 'rendezvous', 'hang', 'readsSignalLate', 'whichInstance'].map((name) => [name, true]),
    );
  });

  it('round trip: invalid arguments go back to the model, which retries, and only the valid call runs', async () => {
    t.fake.enqueue(
      { kind: 'tool-calls', calls: [{ id: 'bad', name: 'openTicket', args: '{"subject":"x","priority":"asap","orderId":null,"items":[],"tags":null,"urgent":true}' }] },
      {
        kind: 'tool-calls',
        calls: [{ id: 'good', name: 'openTicket', args: '{"subject":"Broken lid","priority":"high","orderId":null,"items":[{"sku":"SKU-7","quantity":2}],"tags":null,"urgent":true}' }],
      },
      { kind: 'text', text: 'Ticket T-1 is open.' },
    );
    const result = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('open a ticket')], headers: asAlice });
    await expectValidRun(result.events, result.input);

    const [first, second] = ofType(result.events, EventType.TOOL_CALL_RESULT);
    expect(first!.content).toBe(
      'Error: Invalid arguments for openTicket: subject: subject must be longer than or equal to 3 characters; ' +
        'priority: priority must be one of the following values: low, normal, high. Correct them and call openTicket again.',
    );
    expect(JSON.parse(second!.content)).toEqual({ ticket: 'T-1', isDto: true, itemCount: 2, nestedIsDto: true });
    expect(streamedText(result.events)).toBe('Ticket T-1 is open.');
    // The model saw the problem as the tool's result of its failed call.
    expect(t.fake.requests[1]!.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'bad', content: first!.content });
    // Nulls standing for left-out optionals were taken out before validation.
    expect(schemaTools.received).toHaveLength(1);
    expect(schemaTools.received[0]!.args).toMatchObject({ subject: 'Broken lid', orderId: undefined, tags: undefined });
    expect(schemaTools.received[0]!.user).toEqual({ id: 'alice', roles: ['admin'] });
  });

  it('each source hands the tool its own output: @ToolParam positions, zod defaults, valibot values, raw JSON', async () => {
    const { results } = await run([
      { id: 'p', name: 'add', args: '{"a":1.4,"b":2.4,"round":null}' },
      { id: 'z', name: 'searchOrders', args: '{"query":"lid","status":null,"limit":null}' },
      { id: 'v', name: 'refund', args: '{"orderId":"ORD-1001","amount":9.5,"reason":null}' },
      { id: 'j', name: 'tagConversation', args: '{"label":"bug","note":null,"contact":{"email":"a@example.com"}}' },
    ]);
    expect([...results.values()].filter((content) => content.startsWith('Error'))).toEqual([]);
    expect(results.get('p')).toBe('3.8');
    expect(schemaTools.received.map(({ tool, args }) => [tool, args])).toEqual(
      expect.arrayContaining([
        ['add', { a: 1.4, b: 2.4, round: undefined }],
        ['searchOrders', { query: 'lid', limit: 5 }],
        ['refund', { orderId: 'ORD-1001', amount: 9.5 }],
        ['tagConversation', { label: 'bug', contact: { email: 'a@example.com' } }],
      ]),
    );
  });

  it('injects the guard-authenticated user through @ToolContext() and the app’s own @CurrentUser(), with thread, run and state', async () => {
    const { results, input } = await run([{ id: 'w', name: 'whoAmI', args: '{}' }], asBob, { state: { cart: ['SKU-1'] } });
    expect(JSON.parse(results.get('w')!)).toEqual({
      fromContext: 'bob',
      fromDecorator: 'bob',
      fromReq: 'bob',
      threadId: input.threadId,
      runId: input.runId,
      agentId: 'assistant',
      state: { cart: ['SKU-1'] },
      hasSignal: true,
    });
  });

  it('offers a guarded tool only to users its guard lets through, and refuses a forged call as a tool result', async () => {
    const offered = () => t.fake.requests[0]!.body.tools.map((tool: any) => tool.function.name);
    const bob = await run([{ id: 'd', name: 'deleteCustomer', args: '{"customerId":"c-9"}' }], asBob);
    expect(offered()).not.toContain('deleteCustomer');
    expect(bob.results.get('d')).toMatch(/^Error: There is no tool named "deleteCustomer"\./);
    t.fake.reset();

    const alice = await run([{ id: 'd', name: 'deleteCustomer', args: '{"customerId":"c-9"}' }], asAlice);
    expect(offered()).toContain('deleteCustomer');
    expect(alice.results.get('d')).toBe('deleted c-9');
    expect(RolesGuard.seen).toEqual([
      { type: 'ag-ui-tool', phase: 'offer', tool: 'deleteCustomer', args: undefined },
      { type: 'ag-ui-tool', phase: 'offer', tool: 'deleteCustomer', args: undefined },
      { type: 'ag-ui-tool', phase: 'call', tool: 'deleteCustomer', args: { customerId: 'c-9' } },
    ]);
  });

  it('runs the guard again at call time: what it refuses there comes back as Forbidden, and the tool never runs', async () => {
    const { results } = await run([{ id: 'd', name: 'deleteCustomer', args: '{"customerId":"c-protected"}' }], asAlice);
    expect(results.get('d')).toBe('Error: Forbidden resource');
  });

  it('applies interceptors and parameter pipes on a tool', async () => {
    const { results } = await run([{ id: 's', name: 'shout', args: '{"text":"hello"}' }]);
    expect(JSON.parse(results.get('s')!)).toEqual({ audited: 'ag-ui-tool', result: 'HELLO!' });
  });

  it('applies exception filters on a tool: what the filter returns is the result', async () => {
    const { results } = await run([{ id: 'x', name: 'reserve', args: '{"sku":"SKU-3"}' }]);
    expect(results.get('x')).toBe('Sorry, SKU-3 is out of stock (handled in ag-ui-tool)');
  });

  it('runs the parallel calls of one turn at the same time', async () => {
    const { results } = await run([
      { id: 'r1', name: 'rendezvous', args: '{"name":"ann"}' },
      { id: 'r2', name: 'rendezvous', args: '{"name":"ben"}' },
    ]);
    // Each call waits until the other has started: run one after the other, the first would time out.
    expect(Object.fromEntries(results)).toEqual({ r1: 'ann met', r2: 'ben met' });
  });

  it('gives a tool that runs past its timeout a timeout result, and aborts its signal', async () => {
    const { results, events } = await run([{ id: 'h', name: 'hang', args: '{}' }]);
    expect(results.get('h')).toBe('Error: The tool did not finish within 100 ms');
    expect(t.app.get(ContextTools).hangSawAbort).toBe(true);
    expect(ofType(events, EventType.RUN_FINISHED)).toHaveLength(1);
  });

  it('gives a tool that reads its signal only after its timeout a signal already aborted by that timeout', async () => {
    const { results } = await run([{ id: 'late', name: 'readsSignalLate', args: '{}' }]);
    expect(results.get('late')).toBe('Error: The tool did not finish within 100 ms');
    const tools = t.app.get(ContextTools);
    for (let waited = 0; !tools.lateSignal && waited < 2_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tools.lateSignal).toEqual({ aborted: true, timedOut: true });
  });

  it('resolves a request-scoped tool provider once per run, with the request injected', async () => {
    const one = await run([
      { id: 'a', name: 'whichInstance', args: '{}' },
      { id: 'b', name: 'whichInstance', args: '{}' },
    ]);
    const two = await run([{ id: 'c', name: 'whichInstance', args: '{}' }], asBob);
    const [a, b, c] = [one.results.get('a'), one.results.get('b'), two.results.get('c')].map((content) => JSON.parse(content!));
    expect(a).toEqual({ instance: b.instance, injectedUser: 'alice', sameRequest: true });
    expect(c).toEqual({ instance: expect.any(Number), injectedUser: 'bob', sameRequest: true });
    expect(c.instance).not.toBe(a.instance);
  });

  it('lists each agent tool with both schema forms and its source', async () => {
    const info = await (await fetch(`${t.url}/agents`, { headers: asAlice })).json();
    const tools = Object.fromEntries(info.agents[0].tools.map((tool: any) => [tool.name, tool]));
    expect(tools.openTicket.schemaSource).toBe('class-validator');
    expect(tools.add.schemaSource).toBe('tool-params');
    expect(tools.searchOrders.schemaSource).toBe('standard-schema');
    expect(tools.tagConversation.schemaSource).toBe('json-schema');
    expect(tools.add.parameters.required).toEqual(['a', 'b']);
    expect(tools.add.strictParameters.required).toEqual(['a', 'b', 'round']);
    expect(tools.shout.parameters.properties.text).toEqual({ type: 'string', description: 'What to say' });
  });
});

describe('tool schema mistakes fail the bootstrap, naming the method', () => {
  const boot = async (tool: Function) => {
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel() })],
      providers: [tool as any],
    }).compile();
    return moduleRef.init().finally(() => moduleRef.close());
  };

  it('a name the model API would refuse', async () => {
    @Injectable()
    class Spaced {
      @AgentTool({ name: 'look up', description: 'x' })
      find() {
        return 1;
      }
    }
    await expect(boot(Spaced)).rejects.toThrow('@AgentTool() on Spaced.find: name "look up" must match');
  });

  it('@ToolArgs() typed with an interface, and no parameters', async () => {
    interface Args { id: string }
    @Injectable()
    class Tools {
      @AgentTool({ description: 'x' })
      find(@ToolArgs() args: Args) {
        return args;
      }
    }
    await expect(boot(Tools)).rejects.toThrow('@ToolArgs() on Tools.find needs a DTO class as its type');
  });

  it('@ToolArgs() typed with a class that has no class-validator decorators', async () => {
    class Plain {
      id!: string;
    }
    @Injectable()
    class Tools {
      @AgentTool({ description: 'x' })
      find(@ToolArgs() args: Plain) {
        return args;
      }
    }
    await expect(boot(Tools)).rejects.toThrow('@ToolArgs() on Tools.find is typed Plain, which has no class-validator decorators');
  });

  it('@ToolParam() of a type that says nothing, and @ToolParam() beside @ToolArgs()', async () => {
    @Injectable()
    class Vague {
      @AgentTool({ description: 'x' })
      find(@ToolParam('filter') filter: object) {
        return filter;
      }
    }
    await expect(boot(Vague)).rejects.toThrow("@ToolParam('filter') on Vague.find has type Object, which says nothing to the model: give its JSON Schema in options.schema");
    @Injectable()
    class Both {
      @AgentTool({ description: 'x' })
      find(@ToolArgs() args: unknown, @ToolParam('id') id: string) {
        return [args, id];
      }
    }
    await expect(boot(Both)).rejects.toThrow('Both.find uses both @ToolArgs() and @ToolParam(): pick one');
  });

  it('a Standard Schema without a JSON Schema form, and a JSON Schema ajv cannot compile', async () => {
    @Injectable()
    class Valibot {
      @AgentTool({ description: 'x', parameters: v.object({ id: v.string() }) })
      find(args: unknown) {
        return args;
      }
    }
    await expect(boot(Valibot)).rejects.toThrow('@AgentTool() on Valibot.find: the valibot schema has no JSON Schema form (Standard JSON Schema). Wrap it with toStandardJsonSchema() from @valibot/to-json-schema.');
    @Injectable()
    class Broken {
      @AgentTool({ description: 'x', parameters: { type: 'object', properties: { id: { type: 'strnig' } } } })
      find(args: unknown) {
        return args;
      }
    }
    await expect(boot(Broken)).rejects.toThrow('@AgentTool() parameters of Broken.find is not a valid JSON Schema');
  });
});

/** A global guard of the app's: counts what it guards, by context type. */
class CountingGuard implements CanActivate {
  readonly seen: string[] = [];
  canActivate(context: ExecutionContext): boolean {
    this.seen.push(context.getType());
    return true;
  }
}

@Injectable()
class SignalTools {
  @AgentTool({ description: 'Reports whether its signal is live' })
  probe(@ToolParam('label') label: string, @ToolContext('signal') signal: AbortSignal) {
    return `${label}: ${signal.aborted ? 'aborted' : 'live'}`;
  }
}

const GLOBALS = [
  ['the app globals stay on HTTP by default', false, ['http']],
  ['inheritAppConfig: true runs them on tool calls too (offer and call)', true, ['http', 'ag-ui-tool', 'ag-ui-tool']],
] as const;

describe.each(PLATFORMS.flatMap((platform) => GLOBALS.map((row) => [...row, platform] as const)))('%s (%s)', (_title, inheritAppConfig, expectedTypes, platform) => {
  let t: TestApp;
  const guard = new CountingGuard();

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      providers: [SignalTools],
      options: { inheritAppConfig },
      // The usual production setup: a global ValidationPipe that transforms, and a global guard.
      configure: (app) => {
        app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
        app.useGlobalGuards(guard);
      },
    });
  });
  afterAll(() => t.close());

  it('the global guard sees what it should, and the tool runs', async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'p', name: 'probe', args: '{"label":"x"}' }] }, { kind: 'text', text: 'ok' });
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('go')] });
    await expectValidRun(run.events, run.input);
    expect(guard.seen).toEqual(expectedTypes);
    // The global ValidationPipe leaves the validated string and the injected AbortSignal alone.
    expect(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]!.content).toBe('x: live');
  });
});
