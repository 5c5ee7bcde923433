import { request, type IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { EventType } from '@ag-ui/core';
import { decode } from '@ag-ui/proto';
import { TestTools } from './fixtures/test.tools.js';
import { expectValidRun, ofType, streamedText } from './support/ag-ui.assertions.js';
import type { ChatModel, ChatModelChunk } from 'nestjs-ag-ui';
import { parseSse, runWithHttpAgent, userMessage } from './support/http-agent.client.js';
import { PLATFORMS, startTestApp, type TestApp } from './support/test-app.js';

describe.each(PLATFORMS)('streaming run endpoint on %s', (platform) => {
  let t: TestApp;
  let tools: TestTools;

  beforeAll(async () => {
    t = await startTestApp({ platform, providers: [TestTools], options: { keepAliveMs: 40 } });
    tools = t.app.get(TestTools);
  });
  afterAll(() => t.close());
  afterEach(() => {
    expect(t.fake.pending).toBe(0);
    t.fake.reset();
    tools.calls.length = 0;
  });

  it('streams text deltas as separate events, in order, and reports usage', async () => {
    t.fake.enqueue({ kind: 'text', text: ['Hel', 'lo ', 'there', '!'], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } });
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Hi')] });

    await expectValidRun(run.events, run.input);
    expect(ofType(run.events, EventType.TEXT_MESSAGE_CONTENT).map((e) => e.delta)).toEqual(['Hel', 'lo ', 'there', '!']);
    const [finished] = ofType(run.events, EventType.RUN_FINISHED);
    expect(finished!.usage).toEqual([{ provider: 'openai', model: 'test-model', inputTokens: 12, outputTokens: 4, totalTokens: 16 }]);
    expect(run.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Hello there!' });
  });

  it('sends the model the system prompt, the mapped history, the tools and the stream options', async () => {
    t.fake.enqueue({ kind: 'text', text: 'ok' });
    const run = await runWithHttpAgent({
      url: t.agentUrl,
      messages: [
        { id: 'u1', role: 'user', content: 'What is the weather?' },
        { id: 'a1', role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'getWeather', arguments: '{"city":"Oslo"}' } }] },
        { id: 't1', role: 'tool', toolCallId: 'c1', content: '{"temperatureC":3}' },
        {
          id: 'u2',
          role: 'user',
          content: [
            { type: 'text', text: 'And this picture?' },
            { type: 'image', source: { type: 'data', value: 'iVBORw0KGgo=', mimeType: 'image/png' } },
            { type: 'image', source: { type: 'url', value: 'https://example.test/cat.png' } },
          ],
        },
      ],
    });
    await expectValidRun(run.events, run.input);

    const body = t.fake.requests[0]!.body;
    expect(body).toMatchObject({ model: 'test-model', stream: true, stream_options: { include_usage: true } });
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: 'What is the weather?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'getWeather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temperatureC":3}' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And this picture?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
        ],
      },
    ]);
    expect(body.tools.map((tool: any) => tool.function.name).sort()).toEqual(['brokenTool', 'findOrder', 'getTime', 'getWeather', 'slowLookup']);
    expect(body.tools.find((tool: any) => tool.function.name === 'getWeather').function.parameters).toEqual({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    });
    expect(t.fake.requests[0]!.headers.authorization).toBe('Bearer sk-test-SECRET-do-not-leak-0123456789');
  });

  it('streams a tool call as it arrives, runs the backend tool, and continues to the answer', async () => {
    t.fake.enqueue(
      { kind: 'tool-calls', text: 'Let me check.', calls: [{ id: 'call_w', name: 'getWeather', args: ['{"ci', 'ty":"Os', 'lo"}'] }] },
      { kind: 'text', text: ['It is ', '21°C in Oslo.'] },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Weather in Oslo?')] });
    await expectValidRun(run.events, run.input);

    expect(run.events.map((e) => e.type)).toEqual([
      EventType.RUN_STARTED,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
      EventType.TOOL_CALL_RESULT,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.RUN_FINISHED,
    ]);
    const [start] = ofType(run.events, EventType.TOOL_CALL_START);
    expect(start).toMatchObject({ toolCallId: 'call_w', toolCallName: 'getWeather' });
    expect(start!.parentMessageId).toBe(ofType(run.events, EventType.TEXT_MESSAGE_START)[0]!.messageId);
    expect(ofType(run.events, EventType.TOOL_CALL_ARGS).map((e) => e.delta)).toEqual(['{"ci', 'ty":"Os', 'lo"}']);
    expect(tools.calls).toEqual([expect.objectContaining({ name: 'getWeather', args: { city: 'Oslo' } })]);
    expect(ofType(run.events, EventType.TOOL_CALL_RESULT)[0]).toMatchObject({
      toolCallId: 'call_w',
      content: '{"city":"Oslo","temperatureC":21,"sky":"clear"}',
    });

    // The second model turn saw the call and its result.
    const second = t.fake.requests[1]!.body.messages;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_w' }] });
    expect(second.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_w', content: '{"city":"Oslo","temperatureC":21,"sky":"clear"}' });
    expect(streamedText(run.events)).toBe('Let me check.It is 21°C in Oslo.');
  });

  it('handles parallel tool calls, interleaved on the wire, each with its own result', async () => {
    t.fake.enqueue(
      {
        kind: 'tool-calls',
        interleave: true,
        calls: [
          { id: 'call_a', name: 'getWeather', args: ['{"city":', '"Rome"}'] },
          { id: 'call_b', name: 'getTime', args: ['{', '}'] },
        ],
      },
      { kind: 'text', text: 'Both done.' },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Weather and time?')] });
    await expectValidRun(run.events, run.input);

    const args = ofType(run.events, EventType.TOOL_CALL_ARGS);
    expect(args.filter((e) => e.toolCallId === 'call_a').map((e) => e.delta).join('')).toBe('{"city":"Rome"}');
    expect(ofType(run.events, EventType.TOOL_CALL_RESULT).map((e) => e.toolCallId).sort()).toEqual(['call_a', 'call_b']);
    expect(tools.calls.map((c) => c.name).sort()).toEqual(['getTime', 'getWeather']);
    expect(t.fake.requests[1]!.body.messages.filter((m: any) => m.role === 'tool')).toHaveLength(2);
  });

  it('gives a tool failure back to the model as a tool result, with internals hidden', async () => {
    t.fake.enqueue(
      { kind: 'tool-calls', calls: [{ id: 'c_nf', name: 'findOrder', args: '{}' }, { id: 'c_br', name: 'brokenTool', args: '{}' }, { id: 'c_un', name: 'noSuchTool', args: '{}' }] },
      { kind: 'text', text: 'Sorry.' },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Find ORD-9')] });
    await expectValidRun(run.events, run.input);

    const results = Object.fromEntries(ofType(run.events, EventType.TOOL_CALL_RESULT).map((e) => [e.toolCallId, e.content]));
    expect(results.c_nf).toBe('Error: Order ORD-9 not found');
    expect(results.c_br).toBe('Error: The tool failed with an internal error');
    expect(results.c_un).toMatch(/^Error: There is no tool named "noSuchTool"/);
    expect(JSON.stringify(run.events)).not.toMatch(/ECONNREFUSED|\/srv\/app/);
    expect(t.logger.errors().some((e) => e.message.includes('TestTools.brokenTool'))).toBe(true);
  });

  it('ends cleanly when the agent reaches maxSteps, and says so in RUN_FINISHED', async () => {
    const call = (id: string) => ({ kind: 'tool-calls' as const, calls: [{ id, name: 'getTime', args: '{}' }] });
    t.fake.enqueue(call('s1'), call('s2'), call('s3'), call('s4'), call('s5'), call('s6'), call('s7'), call('s8'));
    const run = await runWithHttpAgent({ url: t.agentUrl, messages: [userMessage('Loop forever')] });
    await expectValidRun(run.events, run.input);
    expect(ofType(run.events, EventType.TOOL_CALL_RESULT)).toHaveLength(8);
    expect(ofType(run.events, EventType.RUN_FINISHED)[0]!.result).toEqual({ stopReason: 'max_steps', maxSteps: 8 });
  });

  it('answers protobuf when the client names the AG-UI media type', async () => {
    t.fake.enqueue({ kind: 'text', text: ['Binary ', 'hello'] });
    const input = { threadId: 'tp', runId: 'rp', messages: [userMessage('Hi')], tools: [], context: [] };
    const response = await fetch(t.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ag-ui.event+proto' },
      body: JSON.stringify(input),
    });
    expect(response.headers.get('content-type')).toBe('application/vnd.ag-ui.event+proto');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const events = [];
    for (let offset = 0; offset < bytes.length; ) {
      const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, false);
      events.push(decode(bytes.subarray(offset + 4, offset + 4 + length)));
      offset += 4 + length;
    }
    await expectValidRun(events, input);
    expect(streamedText(events)).toBe('Binary hello');
  });

  it('answers SSE to */* (curl), with streaming headers and keepalive pings while the model is slow', async () => {
    t.fake.enqueue({ kind: 'text', text: ['slow', ' reply'], delayMs: 120 });
    const input = { threadId: 'ts', runId: 'rs', messages: [userMessage('Hi')] };
    const response = await fetch(t.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify(input),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const body = await response.text();
    expect(body).toContain(': ping\n\n');
    expect(body).not.toContain('\r\n');
  });
});

/** Sets a header on the platform's response before the handler, as apps do for tracing: the stream must carry it. */
@Injectable()
class TraceHeaderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    context.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>().header('x-trace-id', 'trace-1');
    return next.handle();
  }
}

/** A model that answers with large deltas as fast as it is asked, counting what the run pulled. */
class FloodModel implements ChatModel {
  readonly provider = 'flood';
  pulled = 0;
  constructor(private readonly chunks: number, private readonly size: number) {}
  async *stream(): AsyncGenerator<ChatModelChunk> {
    const delta = 'x'.repeat(this.size);
    for (let i = 0; i < this.chunks; i++) {
      this.pulled++;
      yield { type: 'text', delta };
    }
    yield { type: 'finish', reason: 'stop' };
  }
}

const runBody = (id: string) => JSON.stringify({ threadId: `t-${id}`, runId: `r-${id}`, messages: [userMessage('Hi')] });

describe.each(PLATFORMS)('the stream on %s carries the headers the app set', (platform) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      platform,
      configure: (app) => {
        app.enableCors({ origin: 'https://app.example', exposedHeaders: ['x-trace-id'] });
        app.useGlobalInterceptors(new TraceHeaderInterceptor());
      },
    });
  });
  afterAll(() => t.close());

  it('sends the CORS headers and the headers set on the response before the handler with the stream', async () => {
    t.fake.enqueue({ kind: 'text', text: ['cors ', 'ok'] });
    const response = await fetch(t.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: runBody('cors'),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-trace-id');
    expect(response.headers.get('x-trace-id')).toBe('trace-1');
    // The stream's own headers win over anything set before.
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(await response.text());
    await expectValidRun(events, { threadId: 't-cors', runId: 'r-cors' });
    expect(streamedText(events)).toBe('cors ok');
    // Nothing tried to answer a second time (on Fastify: the reply is hijacked, not sent again).
    expect(t.logger.errors()).toEqual([]);
    t.fake.reset();
  });

  it('answers a CORS preflight for the run endpoint', async () => {
    const response = await fetch(t.agentUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

});

describe.each(PLATFORMS)('the stream on %s waits for a slow reader', (platform) => {
  let t: TestApp;
  const flood = new FloodModel(400, 64 * 1024);
  beforeAll(async () => {
    t = await startTestApp({ platform, options: { chatModel: flood } });
  });
  afterAll(() => t.close());

  it('stops pulling from the model while the client does not read, and delivers everything once it does', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(t.agentUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, resolve);
      req.on('error', reject);
      req.end(runBody('flood'));
    });
    response.pause();
    await delay(300);
    const stalledAt = flood.pulled;
    await delay(200);
    // ~25 MiB would be in flight without backpressure; the socket buffers hold a few MiB.
    expect(flood.pulled).toBe(stalledAt);
    expect(stalledAt).toBeLessThan(200);

    response.setEncoding('utf8');
    let body = '';
    response.on('data', (chunk: string) => (body += chunk));
    response.resume();
    await new Promise((resolve) => response.once('end', resolve));
    expect(flood.pulled).toBe(400);
    const events = parseSse(body);
    await expectValidRun(events, { threadId: 't-flood', runId: 'r-flood' });
    expect(ofType(events, EventType.TEXT_MESSAGE_CONTENT)).toHaveLength(400);
  });
});
