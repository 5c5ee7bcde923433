import { EventType, type BaseEvent } from '@ag-ui/core';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { ofType, streamedText } from './support/ag-ui.assertions.js';
import { launchChromium, type ChromiumBinary } from './support/browser.launcher.js';
import { startExampleApp, type ExampleApp } from './support/example-app.process.js';
import { parseSse } from './support/http-agent.client.js';
import { replayState } from './support/state-replay.js';
import { serveStaticFiles, type StaticFilesServer } from './support/static-files.server.js';

type AnyEvent = BaseEvent & Record<string, any>;

/** One run as the page sent it and as the server streamed it back. */
interface RecordedRun {
  input: Record<string, any>;
  events: AnyEvent[];
}

const WEB_DIR = fileURLToPath(new URL('../dist/web/', import.meta.url));
const EVIDENCE_DIR = fileURLToPath(new URL('../test-output/browser/', import.meta.url));
/** Every wait in the page gives up well before Jest's own timeout, so a failure still saves its evidence. */
const WAIT_MS = 12_000;
const STEP_MS = 30_000;

const PAGE_GREEN = 'rgb(220, 252, 231)';


const isAgentRun = (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/agents/support';

async function waitUntil(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The example's chat demo (web/) in headless Chromium (support/browser.launcher.ts finds it):
 * CopilotKit 1.74's React client, served from its own origin, against the example app exactly
 * as `npm start` runs it (offline model, JWT auth, CORS). Each step is what a user does, and checks what the page shows against what
 * the server streamed.
 */
describe('the chat demo in a real browser (CopilotKit, cross-origin)', () => {
  let app: ExampleApp | undefined;
  let web: StaticFilesServer | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  let browser: ChromiumBinary | undefined;
  let page: Page;
  const pageLog: string[] = [];
  const pageErrors: string[] = [];
  /** Every agent run the page made, in order, read once its stream has ended. */
  const runs: Array<Promise<RecordedRun>> = [];

  async function saveEvidence(name: string): Promise<void> {
    await mkdir(EVIDENCE_DIR, { recursive: true });
    const file = join(EVIDENCE_DIR, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
    await page?.screenshot({ path: `${file}.png`, fullPage: true }).catch(() => undefined);
    await writeFile(`${file}.log`, [`--- browser: ${browser?.from ?? 'none'} ${browser?.path ?? ''} ---`, '--- page console ---', ...pageLog, '--- example app ---', app?.output() ?? ''].join('\n'));
  }

  /** A test whose failure leaves a screenshot and the page's console in test-output/browser/. */
  function step(name: string, body: () => Promise<void>): void {
    it(
      name,
      async () => {
        try {
          await body();
        } catch (error) {
          await saveEvidence(name);
          throw error;
        }
      },
      STEP_MS,
    );
  }

  /** Types a message as a user does, and resolves with the runs it caused once they have all ended. */
  async function say(text: string, expectedRuns = 1): Promise<RecordedRun[]> {
    // While a run is on, the send button is a stop button: wait as a user would.
    await page.locator('[data-testid="copilot-chat"][data-copilot-running="false"]').waitFor();
    const before = runs.length;
    const input = page.getByTestId('copilot-chat-textarea');
    await input.fill(text);
    await input.press('Enter');
    await waitUntil(() => runs.length >= before + expectedRuns, `${expectedRuns} agent run(s) after "${text}"`);
    return Promise.all(runs.slice(before, before + expectedRuns));
  }

  const assistantSays = (text: string) => page.getByTestId('copilot-assistant-message').filter({ hasText: text });
  /** The latest card of a tool's call, once it has its result. */
  const doneToolCard = (name: string) => page.locator(`[data-testid="tool-call"][data-tool-name="${name}"][data-status="complete"]`).last();
  const stateShown = async () => JSON.parse((await page.getByTestId('state-json').textContent()) ?? 'null') as unknown;

  beforeAll(async () => {
    web = await serveStaticFiles(WEB_DIR);
    app = await startExampleApp({ CORS_ORIGINS: web.origin, SHIPMENT_STEP_MS: '50' });
    userDataDir = await mkdtemp(join(tmpdir(), 'ag-ui-chromium-'));
    ({ context, binary: browser } = await launchChromium(userDataDir, { viewport: { width: 1280, height: 860 } }));
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (message) => pageLog.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => {
      pageErrors.push(error.message);
      pageLog.push(`[pageerror] ${error.stack ?? error.message}`);
    });
    page.on('requestfinished', (request) => {
      if (!isAgentRun(request)) return;
      runs.push(
        (async () => {
          const body = await (await request.response())!.text();
          return { input: JSON.parse(request.postData() ?? '{}') as Record<string, any>, events: parseSse(body) as AnyEvent[] };
        })(),
      );
    });
    await page.goto(`${web.origin}/?api=${encodeURIComponent(app.url)}`);
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await Promise.all([app?.stop(), web?.close()]);
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  step('signs in across origins and streams the reply token by token', async () => {
    await page.getByLabel('Demo user').selectOption('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user').getByText('alice').waitFor();

    // Every text the last assistant message showed while it grew: streaming means many of them.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seenReplies: Set<string> }).seenReplies = seen;
      new MutationObserver(() => {
        const replies = document.querySelectorAll('[data-testid="copilot-assistant-message"]');
        const last = replies[replies.length - 1]?.textContent;
        if (last) seen.add(last);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const [run] = await say('hello there');
    await assistantSays('I am the offline demo model').waitFor();

    // CopilotKit 1.74's client (@ag-ui/client 0.0.59) sends no protocolVersion: this is the pre-1.0 path.
    expect(run!.input).not.toHaveProperty('protocolVersion');
    expect(ofType(run!.events, EventType.TEXT_MESSAGE_CONTENT).length).toBeGreaterThan(20);
    const shown = await assistantSays('I am the offline demo model').textContent();
    expect(shown).toContain(streamedText(run!.events).slice(0, 40));
    const partial = await page.evaluate(() => (window as unknown as { seenReplies: Set<string> }).seenReplies.size);
    expect(partial).toBeGreaterThan(5);
  });

  step('a frontend tool the model calls changes the page', async () => {
    // The offline model picks setPageColor by its words ("page") and fills the colour from its enum.
    const [call, followUp] = await say('make the page green', 2);
    await page.locator('[data-testid="page"][data-color="green"]').waitFor();
    // What the user sees, once the page's colour transition has run.
    await page.waitForFunction(
      (green) => getComputedStyle(document.querySelector('[data-testid="page"]')!).backgroundColor === green,
      PAGE_GREEN,
    );
    await assistantSays('setPageColor returned').waitFor();

    const [start] = ofType(call!.events, EventType.TOOL_CALL_START);
    expect(start).toMatchObject({ toolCallName: 'setPageColor' });
    const finished = ofType(call!.events, EventType.RUN_FINISHED)[0]!;
    // A pre-1.0 client fails the whole run on pendingToolCallIds, so it must not get them.
    expect(finished.outcome).toEqual({ type: 'success' });
    expect(followUp!.input.messages).toContainEqual(
      expect.objectContaining({ role: 'tool', toolCallId: start!.toolCallId, content: 'The page is now green.' }),
    );
  });

  step('a backend tool call renders with its result', async () => {
    const [run] = await say('show me my orders');
    const card = doneToolCard('listMyOrders');
    await card.waitFor();
    const result = JSON.parse((await card.getByTestId('tool-result').textContent()) ?? '') as Array<{ id: string; status: string }>;
    expect(result).toEqual(ofType(run!.events, EventType.TOOL_CALL_RESULT).map((event) => JSON.parse(event.content))[0]);
    expect(result.find((order) => order.id === 'ORD-1002')?.status).toBe('processing');
    await assistantSays('listMyOrders returned 2 items').waitFor();
  });

  step('the progress a backend tool reports renders in the chat', async () => {
    await say('trace the shipment of ORD-1001');
    await page.getByTestId('progress').filter({ hasText: 'Done' }).waitFor();
    await assistantSays('traceShipment returned').waitFor();
  });

  step('a refund asks for approval; Approve resumes the run and the order is refunded', async () => {
    const [asked] = await say('refund order ORD-1002, the mouse arrived broken');
    const approval = page.getByTestId('approval');
    await approval.getByText('Refund order ORD-1002 in full? This cannot be undone.').waitFor();
    const { outcome } = ofType(asked!.events, EventType.RUN_FINISHED)[0]!;
    expect(outcome).toMatchObject({ type: 'interrupt', interrupts: [expect.objectContaining({ reason: 'tool_approval' })] });
    const [interrupt] = outcome.interrupts as Array<{ id: string; toolCallId: string }>;

    const before = runs.length;
    await approval.getByRole('button', { name: 'Approve' }).click();
    await waitUntil(() => runs.length > before, 'the resume run');
    const resumed = await runs[before]!;
    await assistantSays('refundOrder returned').filter({ hasText: 'status: refunded' }).waitFor();
    await approval.waitFor({ state: 'detached' });

    expect(resumed.input.resume).toEqual([{ interruptId: interrupt!.id, status: 'resolved', payload: { approved: true } }]);
    // CopilotKit resumes under the interrupted run's runId; the server accepts it.
    expect(resumed.input.runId).toBe(asked!.input.runId);
    const results = (await Promise.all(runs)).flatMap((run) => ofType(run.events, EventType.TOOL_CALL_RESULT));
    expect(results.filter((event) => event.toolCallId === interrupt!.toolCallId)).toHaveLength(1);

    // The server's own record says so too: a later listMyOrders shows the order refunded.
    await say('show me my orders');
    const latest = doneToolCard('listMyOrders');
    await latest.getByTestId('tool-result').filter({ hasText: 'refunded' }).waitFor();
    const orders = JSON.parse((await latest.getByTestId('tool-result').textContent()) ?? '') as Array<{ id: string; status: string }>;
    expect(orders.find((order) => order.id === 'ORD-1002')?.status).toBe('refunded');
  });

  step("the state panel shows the agent's state, equal to the server's", async () => {
    const [run] = await say('watch order ORD-1001');
    const card = doneToolCard('watchOrder');
    await card.waitFor();
    await assistantSays('watchOrder returned').waitFor();

    // The server's view of the state: what the page sent, with the run's state events replayed on it.
    const serverState = replayState(run!.input.state ?? {}, run!.events);
    expect(serverState).toEqual({ watchlist: ['ORD-1001'] });
    const { watching } = JSON.parse((await card.getByTestId('tool-result').textContent()) ?? '') as { watching: string[] };
    expect(watching).toEqual(['ORD-1001']);
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="state-json"]')?.textContent?.replace(/\s/g, '') === expected,
      JSON.stringify(serverState),
    );
    expect(await stateShown()).toEqual(serverState);
  });

  step('the page logged no errors and no run failed', async () => {
    expect(pageErrors).toEqual([]);
    expect(pageLog.filter((line) => line.startsWith('[error]'))).toEqual([]);
    const all = await Promise.all(runs);
    expect(all.flatMap((run) => ofType(run.events, EventType.RUN_ERROR))).toEqual([]);
  });
});
