import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { readFileSync } from 'node:fs';
import { AgentTool, type AgentRunContext } from 'nestjs-ag-ui';
import { SupportModule } from '../src/support/support.module.js';
import { expectValidRun, ofType } from './support/ag-ui.assertions.js';
import { runWithHttpAgent, userMessage, type AgentRun, type RunOptions } from './support/http-agent.client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The event sequences in docs/human-in-the-loop.md and docs/state.md, each run for real: the
 * spec reads every `<!-- sequence: name -->` block and compares it with the event types of a
 * run of the example's tools. A sequence shows repeated events once, so repeats are collapsed.
 */
const DOCS = ['docs/human-in-the-loop.md', 'docs/state.md'];

function documentedSequences(): Map<string, string[]> {
  const sequences = new Map<string, string[]>();
  for (const file of DOCS) {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    for (const match of text.matchAll(/<!-- sequence: ([\w-]+) -->\s*```text\n([\s\S]*?)```/g)) {
      sequences.set(match[1]!, match[2]!.trim().split('\n').map((line) => line.split(/\s+/)[0]!));
    }
  }
  return sequences;
}

const collapsed = (events: readonly BaseEvent[]) => events.map((event) => event.type as string).filter((type, index, all) => type !== all[index - 1]);

/** Signs every request in as alice, as the example's JWT guard would. */
@Injectable()
class AliceGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest().user = { id: 'alice', roles: [] };
    return true;
  }
}

/** The one documented case the example's tools do not show: a state whose root changes kind. */
@Injectable()
class LayoutTools {
  @AgentTool({ description: 'Turns the page state into a list of panels', parameters: { type: 'object', properties: {} } })
  usePanels(_args: unknown, ctx: AgentRunContext) {
    ctx.setState(['orders', 'tickets']);
    return 'panels';
  }
}

describe('the event sequences the docs show', () => {
  const sequences = documentedSequences();
  let t: TestApp;
  let steps: TestApp;

  beforeAll(async () => {
    process.env.SHIPMENT_STEP_MS = '0';
    const setup = { imports: [SupportModule], providers: [LayoutTools, AliceGuard], extras: { guards: [AliceGuard] } };
    t = await startTestApp({ ...setup, options: { anonymous: false } });
    steps = await startTestApp({ ...setup, options: { anonymous: false, events: { steps: true, messagesSnapshot: true } } });
  });
  afterAll(async () => {
    delete process.env.SHIPMENT_STEP_MS;
    await Promise.all([t?.close(), steps?.close()]);
  });

  const call = (name: string, args: object, id = `call-${name}`) => ({ id, name, args: [JSON.stringify(args).slice(0, 10), JSON.stringify(args).slice(10)] });
  const answer = { kind: 'text' as const, text: ['Done', ' as asked.'] };
  const run = async (app: TestApp, options: Partial<RunOptions> = {}): Promise<AgentRun> => {
    const result = await runWithHttpAgent({ url: app.agentUrl, messages: [userMessage('please')], ...options });
    await expectValidRun(result.events, result.input);
    return result;
  };
  const interrupted = async () => {
    t.fake.enqueue({ kind: 'tool-calls', calls: [call('refundOrder', { orderId: 'ORD-1002', reason: 'broken' })] });
    const first = await run(t);
    return { first, interruptId: ofType(first.events, EventType.RUN_FINISHED)[0]!.outcome.interrupts[0].id as string };
  };

  const scenarios: Record<string, () => Promise<AgentRun>> = {
    'approval-requested': async () => (await interrupted()).first,
    'approval-beside-a-call': async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [call('refundOrder', { orderId: 'ORD-1001', reason: 'late' }), call('listMyOrders', {})] });
      return run(t);
    },
    'approval-approved': async () => {
      const { first, interruptId } = await interrupted();
      t.fake.enqueue(answer);
      return run(t, { agent: first.agent, messages: [], resume: [{ interruptId, status: 'resolved', payload: { approved: true } }] });
    },
    'approval-rejected': async () => {
      const { first, interruptId } = await interrupted();
      t.fake.enqueue(answer);
      return run(t, { agent: first.agent, messages: [], resume: [{ interruptId, status: 'resolved', payload: { approved: false, reason: 'no' } }] });
    },
    'state-delta': async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [call('watchOrder', { orderId: 'ORD-1002' })] }, answer);
      return run(t, { state: {} });
    },
    'state-snapshot': async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [call('usePanels', {})] }, answer);
      return run(t);
    },
    'predictive-state': async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [call('draftMessage', { text: 'The keyboard works again' })] }, answer);
      return run(t);
    },
    progress: async () => {
      t.fake.enqueue({ kind: 'tool-calls', calls: [call('traceShipment', { orderId: 'ORD-1001' })] }, answer);
      return run(t);
    },
    reasoning: async () => {
      t.fake.enqueue({ kind: 'text', reasoning: ['The user wants', ' a greeting.'], text: ['Hello', '!'] });
      return run(t);
    },
    'steps-and-snapshot': async () => {
      steps.fake.enqueue({ kind: 'tool-calls', calls: [call('listMyOrders', {})] }, answer);
      return run(steps);
    },
  };

  it('finds every documented sequence, and a scenario for each', () => {
    expect([...sequences.keys()].sort()).toEqual(Object.keys(scenarios).sort());
  });

  it.each(Object.keys(scenarios))('%s: a real run streams the documented events', async (name) => {
    const result = await scenarios[name]!();
    expect(collapsed(result.events)).toEqual(sequences.get(name));
  });
});
