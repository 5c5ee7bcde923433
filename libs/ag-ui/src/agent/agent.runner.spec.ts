import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventType, type BaseEvent, type RunAgentInput } from '@ag-ui/core';
import type { IncomingMessage } from 'node:http';
import { AgUiModule } from '../ag-ui.module.js';
import type { ChatModel } from '../models/chat-model.interface.js';
import { checkRunEvents } from '../testing/run-events.check.js';
import { ScriptedChatModel } from '../testing/scripted.chat-model.js';
import { reply } from '../testing/scripted-turn.js';
import { AgentCatalog } from './agent.catalog.js';
import { AgentRunner } from './agent.runner.js';
import type { RunContextInit } from './run-context.js';

/** `count` text tokens, `t0 `, `t1 `, …: one turn of the scripted model. */
const tokens = (count: number) => reply.text(...Array.from({ length: count }, (_, i) => `t${i} `));

const input: RunAgentInput = {
  threadId: 'thread-1',
  runId: 'run-1',
  messages: [{ id: 'm1', role: 'user', content: 'hi' }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
};

function initFor(signal: AbortSignal): RunContextInit {
  return { agentId: 'a', threadId: input.threadId, runId: input.runId, user: undefined, principal: undefined, request: { headers: {} } as IncomingMessage, input, signal, logger: new Logger('test') };
}

describe('AgentRunner', () => {
  let moduleRef: TestingModule | undefined;

  async function boot(model: ChatModel): Promise<{ runner: AgentRunner; catalog: AgentCatalog }> {
    moduleRef = await Test.createTestingModule({ imports: [AgUiModule.forRoot({ agents: [{ id: 'a' }], chatModel: model, anonymous: true })] }).compile();
    await moduleRef.init();
    return { runner: moduleRef.get(AgentRunner, { strict: false }), catalog: moduleRef.get(AgentCatalog, { strict: false }) };
  }

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('run() yields the same valid sequence that runInto() writes to a sink', async () => {
    const { runner, catalog } = await boot(new ScriptedChatModel([tokens(3), tokens(3)]));
    const pulled: BaseEvent[] = [];
    for await (const event of runner.run(catalog.get('a'), input, initFor(new AbortController().signal))) pulled.push(event);
    const pushed: BaseEvent[] = [];
    await runner.runInto(catalog.get('a'), input, initFor(new AbortController().signal), (event) => void pushed.push(event));

    expect(pulled.map((event) => event.type)).toEqual([
      EventType.RUN_STARTED,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.RUN_FINISHED,
    ]);
    expect(pushed.map((event) => event.type)).toEqual(pulled.map((event) => event.type));
    expect(pulled[0]).toMatchObject({ threadId: 'thread-1', runId: 'run-1', protocolVersion: expect.any(String) });
    await expect(checkRunEvents(pulled, input)).resolves.toBeUndefined();
  });

  it('run() pulls from the model no faster than its consumer reads', async () => {
    const model = new ScriptedChatModel([tokens(100)]);
    const { runner, catalog } = await boot(model);
    const events = runner.run(catalog.get('a'), input, initFor(new AbortController().signal));
    // RUN_STARTED, TEXT_MESSAGE_START (with the first token's content after it), then three tokens.
    for (let i = 0; i < 5; i++) await events.next();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(model.chunksSent).toBeLessThanOrEqual(5);
    await events.return(undefined);
  });

  it('leaving run() early stops the run: its model request is aborted, the caller\'s signal is not', async () => {
    // As a fetch-backed stream does: after two tokens it waits, and an aborted request fails its next read.
    const model = new ScriptedChatModel([tokens(2).hang()]);
    const { runner, catalog } = await boot(model);
    const runAbort = new AbortController();
    const seen: BaseEvent[] = [];
    for await (const event of runner.run(catalog.get('a'), input, initFor(runAbort.signal))) {
      seen.push(event);
      if (event.type === EventType.TEXT_MESSAGE_CONTENT) break;
    }
    expect(model.requests).toHaveLength(1);
    expect(model.lastRequest.signal.aborted).toBe(true);
    // The caller's own signal is left alone: only the run it started was stopped.
    expect(runAbort.signal.aborted).toBe(false);
    expect(seen.map((event) => event.type)).toEqual([EventType.RUN_STARTED, EventType.TEXT_MESSAGE_START, EventType.TEXT_MESSAGE_CONTENT]);
  });
});
