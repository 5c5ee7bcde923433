import { setTimeout as delay } from 'node:timers/promises';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { Injectable } from '@nestjs/common';
import { AgentTool, AgUiMetrics, type AgentRunContext } from 'nestjs-ag-ui';
import { expectValidRun, ofType, streamedText } from '../support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage } from '../support/http-agent.client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const TOOL_TIMEOUT_MS = 200;
const GRACE_MS = 200;
/** When the stubborn tool finally returns: well after its time limit and its grace. */
const STUBBORN_MS = 800;

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, delay(ms).then(() => Promise.reject(new Error(`${what}: not within ${ms} ms`)))]);

/** Tools that never read ctx.signal (the stubborn one), or do and stop (the polite one). */
@Injectable()
class StuckTools {
  /** Resolved when a call of `stubborn` starts; replaced for the next one. */
  started!: Promise<void>;
  private announce!: () => void;
  /** Set when the last `stubborn` call returned, at last. */
  settled = false;
  politeStopped = false;

  constructor() {
    this.reset();
  }

  reset() {
    this.settled = false;
    this.started = new Promise((resolve) => (this.announce = resolve));
  }

  @AgentTool({ description: 'Ignores its signal and answers late', parameters: { type: 'object', properties: {}, additionalProperties: false } })
  async stubborn(_args: unknown, ctx: AgentRunContext) {
    this.announce();
    await delay(STUBBORN_MS - 100);
    // Reported after it was stopped: nobody may see it.
    ctx.progress({ late: 'LATE-PROGRESS-7c1' });
    await delay(100);
    this.settled = true;
    return 'LATE-RESULT-7c1';
  }

  @AgentTool({ description: 'Stops when told', parameters: { type: 'object', properties: {}, additionalProperties: false } })
  async polite(_args: unknown, ctx: AgentRunContext) {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.politeStopped = true;
    return 'stopped';
  }
}

describe('tools that do not stop', () => {
  let t: TestApp;
  let tools: StuckTools;
  let metrics: AgUiMetrics;
  const abandonedWarnings = (runId: string) =>
    t.logger.entries.filter((e) => e.level === 'warn' && e.message.includes('"stubborn"') && e.message.includes(runId) && e.message.includes('did not stop'));
  const everythingLogged = () => t.logger.entries.map((e) => e.message + JSON.stringify(e.extra)).join('\n');

  beforeAll(async () => {
    t = await startTestApp({ providers: [StuckTools], options: { toolTimeoutMs: TOOL_TIMEOUT_MS, toolAbortGraceMs: GRACE_MS } });
    tools = t.app.get(StuckTools);
    metrics = t.app.get(AgUiMetrics);
  });
  afterAll(() => t.close());
  beforeEach(() => tools.reset());
  afterEach(() => t.fake.reset());

  it('past its time limit: the run goes on and finishes without waiting; the tool is reported, counted, and its late result discarded', async () => {
    const before = metrics.snapshot();
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call-stubborn', name: 'stubborn', args: '{}' }] }, { kind: 'text', text: 'Moving on' });
    let settledAtTerminal: boolean | undefined;
    const run = await runWithHttpAgent({
      url: t.agentUrl,
      runId: 'run-stubborn-timeout',
      messages: [userMessage('go')],
      onEvent: (event) => {
        if (event.type === EventType.RUN_FINISHED) settledAtTerminal = tools.settled;
      },
    });
    await expectValidRun(run.events, run.input);
    // The terminal event came while the tool was still running.
    expect(settledAtTerminal).toBe(false);
    expect(streamedText(run.events)).toBe('Moving on');
    const result = ofType<BaseEvent & { content: string }>(run.events, EventType.TOOL_CALL_RESULT)[0]!;
    expect(result.content).toContain(`did not finish within ${TOOL_TIMEOUT_MS} ms`);

    await within(
      (async () => {
        while (!tools.settled) await delay(20);
      })(),
      1_500,
      'the stubborn tool to return',
    );
    await delay(50);
    expect(abandonedWarnings('run-stubborn-timeout')).toHaveLength(1);
    expect(abandonedWarnings('run-stubborn-timeout')[0]!.message).toContain(`time limit of ${TOOL_TIMEOUT_MS} ms`);
    expect(metrics.abandonedToolCalls).toBe(before.abandonedToolCalls + 1);
    // It settled at last: no longer counted as running.
    expect(metrics.abandonedToolCallsRunning).toBe(before.abandonedToolCallsRunning);
    // Its late result went nowhere: not to the client, not to the model, not to the log.
    expect(JSON.stringify(run.events)).not.toContain('LATE-');
    expect(JSON.stringify(t.fake.requests.map((request) => request.body))).not.toContain('LATE-');
    expect(everythingLogged()).not.toContain('LATE-');
  });

  it('keeps what a stopped tool reports later out of a run that is still going', async () => {
    // The next model turn is slow, so the run is still streaming when the stubborn tool reports.
    t.fake.enqueue(
      { kind: 'tool-calls', calls: [{ id: 'call-stubborn-2', name: 'stubborn', args: '{}' }] },
      { kind: 'text', text: Array.from({ length: 10 }, (_, i) => `w${i} `), delayMs: 100 },
    );
    const run = await runWithHttpAgent({ url: t.agentUrl, runId: 'run-stubborn-live', messages: [userMessage('go')] });
    await expectValidRun(run.events, run.input);
    // The tool reported and returned while the stream was open.
    expect(tools.settled).toBe(true);
    expect(JSON.stringify(run.events)).not.toContain('LATE-');
  });

  it('after a disconnect: the tool is reported and counted once its grace is over', async () => {
    const before = metrics.abandonedToolCalls;
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call-stubborn-3', name: 'stubborn', args: '{}' }] }, { kind: 'text', text: 'never requested' });
    const abort = new AbortController();
    const response = fetch(t.agentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 'thread-stubborn-gone', runId: 'run-stubborn-gone', messages: [userMessage('go')] }),
      signal: abort.signal,
    }).catch(() => undefined);
    await within(tools.started, 1_000, 'the tool to start');
    abort.abort();
    await response;

    await delay(GRACE_MS + 150);
    expect(tools.settled).toBe(false);
    const warnings = abandonedWarnings('run-stubborn-gone');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('run stopped');
    expect(metrics.abandonedToolCalls).toBe(before + 1);
    expect(metrics.abandonedToolCallsRunning).toBeGreaterThanOrEqual(1);
    expect(t.fake.requests).toHaveLength(1);

    await within(
      (async () => {
        while (!tools.settled) await delay(20);
      })(),
      1_000,
      'the stubborn tool to return',
    );
    await delay(20);
    expect(metrics.abandonedToolCallsRunning).toBe(0);
    expect(everythingLogged()).not.toContain('LATE-');
  });

  it('does not report a tool that stops when its signal fires', async () => {
    const before = metrics.abandonedToolCalls;
    t.fake.enqueue({ kind: 'tool-calls', calls: [{ id: 'call-polite', name: 'polite', args: '{}' }] }, { kind: 'text', text: 'ok' });
    const run = await runWithHttpAgent({ url: t.agentUrl, runId: 'run-polite', messages: [userMessage('go')] });
    await expectValidRun(run.events, run.input);
    await delay(GRACE_MS + 100);
    expect(tools.politeStopped).toBe(true);
    expect(metrics.abandonedToolCalls).toBe(before);
    expect(t.logger.entries.filter((e) => e.level === 'warn' && e.message.includes('run-polite'))).toEqual([]);
  });

  it('logs no error for any of it', () => {
    expect(t.logger.errors()).toEqual([]);
  });
});
