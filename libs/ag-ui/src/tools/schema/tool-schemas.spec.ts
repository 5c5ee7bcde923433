import { Injectable, Logger } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsString, ValidateNested } from 'class-validator';
import { Test, type TestingModule } from '@nestjs/testing';
import OpenAI from 'openai';
import { AgUiModule, AgentTool, OfflineChatModel, OpenAIChatModel, ToolArgs } from 'nestjs-ag-ui';
import { SchemaTools } from '../../../../../test/fixtures/schema.tools.js';
import { strictToolProblem } from '../../../../../test/support/openai-strict-rules.js';
import { ToolRegistry, type RegisteredTool } from '../tool.registry.js';

/**
 * The four schema sources, through the real explorer: the exact JSON each gives the model
 * (both forms), and the same source's check of the model's arguments.
 */
describe('tool schemas from each source', () => {
  let moduleRef: TestingModule;
  let registry: ToolRegistry;
  const tool = (name: string): RegisteredTool => registry.get(name)!;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'assistant' }], chatModel: new OfflineChatModel() })],
      providers: [SchemaTools],
    }).compile();
    await moduleRef.init();
    registry = moduleRef.get(ToolRegistry);
  });
  afterAll(() => moduleRef.close());

  it.each([
    ['openTicket', 'class-validator'],
    ['add', 'tool-params'],
    ['searchOrders', 'standard-schema'],
    ['refund', 'standard-schema'],
    ['tagConversation', 'json-schema'],
  ])('%s: schema from %s, loose and strict forms', (name, source) => {
    const { schema, parameters, strictParameters } = tool(name);
    expect(schema.source).toBe(source);
    expect({ parameters, strictParameters }).toMatchSnapshot();
  });

  it('sends every strict form through the openai SDK as a strict function tool the API rules accept', async () => {
    let sent: any;
    const client = new OpenAI({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/v1',
      maxRetries: 0,
      fetch: async (_url, init) => {
        sent = JSON.parse(String(init?.body));
        const done = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'gpt-test', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
        return new Response(`data: ${JSON.stringify(done)}\n\ndata: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } });
      },
    });
    const tools = ['openTicket', 'add', 'searchOrders', 'refund', 'tagConversation'].map((name) => ToolRegistry.toModelTool(tool(name)));
    const model = new OpenAIChatModel(client);
    for await (const _chunk of model.stream({ model: 'gpt-test', messages: [], tools, signal: new AbortController().signal })) void _chunk;

    expect(sent.tools).toEqual(tools.map((definition) => ({ type: 'function', function: { ...definition, strict: true } })));
    expect(strictToolProblem(sent.tools)).toBeUndefined();
  });

  describe('class-validator DTO', () => {
    const valid = { subject: 'Broken lid', priority: 'high', items: [{ sku: 'SKU-1', quantity: 2 }], urgent: false };

    it('gives the tool a DTO instance, nested DTOs included', async () => {
      const checked = await tool('openTicket').schema.check(valid);
      expect(checked.ok).toBe(true);
      const value = (checked as { value: any }).value;
      expect(value.constructor.name).toBe('OpenTicketDto');
      expect(value.items[0].constructor.name).toBe('LineItemDto');
      expect(value.itemCount()).toBe(2);
    });

    it('names every problem, nested ones by path, and unknown properties', async () => {
      const checked = await tool('openTicket').schema.check({
        subject: 'ab',
        priority: 'urgent',
        orderId: 'ORD-1',
        items: [{ sku: 'SKU-1', quantity: 0 }],
        urgent: 'yes',
        colour: 'red',
      });
      expect(checked).toEqual({
        ok: false,
        problems: [
          'colour: property colour should not exist',
          'subject: subject must be longer than or equal to 3 characters',
          'priority: priority must be one of the following values: low, normal, high',
          'orderId: orderId must match /^ORD-\\d{4}$/ regular expression',
          'items.0.quantity: quantity must not be less than 1',
          'urgent: urgent must be a boolean value',
        ],
      });
    });

    it('refuses arguments that are not an object', async () => {
      expect(await tool('openTicket').schema.check([1])).toEqual({ ok: false, problems: ['the arguments must be a JSON object'] });
    });
  });

  describe('@ToolParam()', () => {
    it('accepts typed values and leaves out an optional one', async () => {
      expect(await tool('add').schema.check({ a: 1, b: 2 })).toEqual({ ok: true, value: { a: 1, b: 2 } });
    });

    it('checks types from the parameter metadata and required names', async () => {
      expect(await tool('add').schema.check({ a: '1', round: 'no', c: 3 })).toEqual({
        ok: false,
        problems: ['b: is required', 'c: is not an allowed property', 'a: must be number', 'round: must be boolean'],
      });
    });
  });

  describe('Standard Schema', () => {
    it('zod: returns the schema output, defaults applied', async () => {
      expect(await tool('searchOrders').schema.check({ query: 'lid' })).toEqual({ ok: true, value: { query: 'lid', limit: 5 } });
    });

    it('zod: reports its own messages by path', async () => {
      const checked = await tool('searchOrders').schema.check({ query: 'l', status: 'lost', limit: 50 });
      expect(checked.ok).toBe(false);
      expect((checked as { problems: string[] }).problems).toEqual([
        expect.stringMatching(/^query: Too small/),
        expect.stringMatching(/^status: Invalid option/),
        expect.stringMatching(/^limit: Too big/),
      ]);
    });

    it('valibot (through toStandardJsonSchema): validates with valibot', async () => {
      expect(await tool('refund').schema.check({ orderId: 'ORD-1001', amount: 5 })).toEqual({ ok: true, value: { orderId: 'ORD-1001', amount: 5 } });
      const checked = await tool('refund').schema.check({ orderId: 'X', amount: 0 });
      expect((checked as { problems: string[] }).problems).toEqual([expect.stringMatching(/^orderId: Invalid format/), expect.stringMatching(/^amount: Invalid value/)]);
    });
  });

  describe('raw JSON Schema', () => {
    it('validates with ajv: enums, formats and $refs into definitions', async () => {
      expect(await tool('tagConversation').schema.check({ label: 'bug', contact: { email: 'a@example.com' } })).toEqual({
        ok: true,
        value: { label: 'bug', contact: { email: 'a@example.com' } },
      });
      expect(await tool('tagConversation').schema.check({ label: 'rant', note: 'x'.repeat(141), contact: { email: 'nope' } })).toEqual({
        ok: false,
        problems: [
          'label: must be one of "bug", "question", "praise"',
          'note: must NOT have more than 140 characters',
          'contact.email: must match format "email"',
        ],
      });
    });
  });
});

class CategoryDto {
  @IsString()
  name!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CategoryDto)
  children!: CategoryDto[];
}

@Injectable()
class LooseTools {
  @AgentTool({ description: 'Save a category tree' })
  saveTree(@ToolArgs() tree: CategoryDto) {
    return tree;
  }

  @AgentTool({ description: 'Free-form labels', parameters: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } } })
  label(args: unknown) {
    return args;
  }

  @AgentTool({ description: 'Opted out', strict: false, parameters: { type: 'object', properties: { id: { type: 'string' } } } })
  optedOut(args: unknown) {
    return args;
  }
}

describe('tools without a strict form', () => {
  const boot = async (strictTools?: boolean) => {
    const warnings: string[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel(), strictTools })],
      providers: [LooseTools],
    }).compile();
    moduleRef.useLogger({ log() {}, error() {}, warn: (message: string) => void warnings.push(message) });
    await moduleRef.init();
    const registry = moduleRef.get(ToolRegistry);
    await moduleRef.close();
    Logger.overrideLogger(false);
    return { registry, warnings };
  };

  it('offers a free-form map without strict, with a bootstrap warning naming the path; a tool can opt out', async () => {
    const { registry, warnings } = await boot();
    expect(ToolRegistry.toModelTool(registry.get('label')!)).toEqual({
      name: 'label',
      description: 'Free-form labels',
      parameters: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } },
    });
    expect(warnings).toContainEqual(expect.stringMatching(/^Tool LooseTools\.label is offered without strict mode: properties\.labels/));
    expect(ToolRegistry.toModelTool(registry.get('optedOut')!).strict).toBeUndefined();
  });

  it('keeps a recursive DTO as $refs into its own definitions only, offered without strict, and still validates it', async () => {
    const { registry, warnings } = await boot();
    const tree = registry.get('saveTree')!;
    expect(tree.strictParameters).toBeUndefined();
    expect(Object.keys(tree.parameters.definitions as object)).toEqual(['CategoryDto']);
    expect(warnings).toContainEqual(expect.stringMatching(/^Tool LooseTools\.saveTree is offered without strict mode: .*recursive/));
    const bad = await tree.schema.check({ name: 'root', children: [{ name: 1, children: [] }] });
    expect(bad).toEqual({ ok: false, problems: ['children.0.name: name must be a string'] });
  });

  it('strictTools: false offers every tool without strict', async () => {
    const { registry, warnings } = await boot(false);
    expect(registry.get('optedOut')!.strictParameters).toBeUndefined();
    expect(registry.get('label')!.strictParameters).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});

@Injectable()
class NoArgumentTools {
  @AgentTool({ description: 'Tell the time' })
  tellTime() {
    return 'noon';
  }
}

describe('a tool with no declared arguments (source none)', () => {
  let moduleRef: TestingModule;
  let tellTime: RegisteredTool;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: new OfflineChatModel() })],
      providers: [NoArgumentTools],
    }).compile();
    await moduleRef.init();
    tellTime = moduleRef.get(ToolRegistry).get('tellTime')!;
  });
  afterAll(() => moduleRef.close());

  it('shows the model an object that allows no property, in both forms', () => {
    expect(tellTime.schema.source).toBe('none');
    expect(tellTime.parameters).toEqual({ type: 'object', properties: {}, additionalProperties: false });
    expect(tellTime.strictParameters).toMatchObject({ type: 'object', properties: {}, additionalProperties: false });
    expect(strictToolProblem([{ type: 'function', function: { ...ToolRegistry.toModelTool(tellTime), strict: true } }])).toBeUndefined();
  });

  it('checks what it shows: {} passes, anything else is refused by path', async () => {
    expect(await tellTime.schema.check({})).toEqual({ ok: true, value: {} });
    expect(await tellTime.schema.check({ unexpected: 1, other: null })).toEqual({
      ok: false,
      problems: ['unexpected: is not an allowed property', 'other: is not an allowed property'],
    });
    expect(await tellTime.schema.check([1, 2, 3])).toEqual({ ok: false, problems: ['must be object'] });
    expect(await tellTime.schema.check('text')).toEqual({ ok: false, problems: ['must be object'] });
  });
});
