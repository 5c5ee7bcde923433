import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expectValidRun } from '../support/ag-ui.assertions.js';
import { launchChromium } from '../support/browser.launcher.js';
import { startExampleApp, type ExampleApp } from '../support/example-app.process.js';
import { parseSse, userMessage } from '../support/http-agent.client.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

const login = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });

/** The example app as `npm start` runs it, attacked as the issue did. */
describe('example app as a hardened service', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp();
  });
  afterAll(() => app.stop(), 15_000);

  it('throttles password guessing per user name: the 6th wrong attempt in a minute is a 429 JSON with Retry-After, another user still logs in', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) expect((await login(app.url, 'bob', `guess-${attempt}`)).status).toBe(401);
    const limited = await login(app.url, 'bob', 'bob-demo');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ statusCode: 429 });
    // Case and spaces do not make another user name.
    expect((await login(app.url, ' BOB ', 'guess-6')).status).toBe(429);
    expect((await login(app.url, 'alice', 'alice-demo')).status).toBe(200);
  });

  it('warns that it signs tokens with a demo secret when JWT_SECRET is unset', () => {
    expect(app.output()).toMatch(/JWT_SECRET is not set: signing tokens with a random DEMO secret/);
  });

  it('sends no X-Powered-By, and its security headers on a streamed run whose stream stays valid', async () => {
    const token = (await (await login(app.url, 'alice', 'alice-demo')).json()).access_token;
    const threadId = `h-${Date.now()}`;
    const response = await fetch(`${app.url}/agents/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ threadId, runId: 'r1', messages: [userMessage('hello there')] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Plain http: HSTS would mean nothing, so it is not sent.
    expect(response.headers.get('strict-transport-security')).toBeNull();
    await expectValidRun(parseSse(await response.text()), { threadId, runId: 'r1' });

    const page = await fetch(`${app.url}/`);
    expect(page.headers.get('x-powered-by')).toBeNull();
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('example app: the chat page under its Content-Security-Policy', () => {
  it('served at / by the app itself, signs in and streams a reply with no CSP violation', async () => {
    const app = await startExampleApp();
    const userDataDir = await mkdtemp(join(tmpdir(), 'ag-ui-csp-'));
    const { context } = await launchChromium(userDataDir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(10_000);
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      const response = await page.goto(`${app.url}/`);
      expect(response!.headers()['content-security-policy']).toContain("default-src 'self'");
      await page.getByLabel('Demo user').selectOption('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('user').getByText('alice').waitFor();
      const input = page.getByTestId('copilot-chat-textarea');
      await input.fill('hello there');
      await input.press('Enter');
      await page.getByTestId('copilot-assistant-message').filter({ hasText: /offline/i }).first().waitFor();
      expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await context.close();
      await app.stop();
      await rm(userDataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('example app login limit per IP', () => {
  let app: ExampleApp;
  beforeAll(async () => {
    app = await startExampleApp({ LOGINS_PER_MINUTE_PER_IP: '3' });
  });
  afterAll(() => app.stop(), 15_000);

  it('throttles logins from one address across user names', async () => {
    for (const name of ['carol', 'dave', 'erin']) expect((await login(app.url, name, 'x')).status).toBe(401);
    const limited = await login(app.url, 'alice', 'alice-demo');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('example app boot', () => {
  async function boot(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const { JWT_SECRET: _secret, OPENAI_API_KEY: _key, ...inherited } = process.env;
    const child = spawn(process.execPath, [MAIN], { env: { ...inherited, NODE_OPTIONS: '', PORT: '0', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
    const [code] = await once(child, 'exit');
    clearTimeout(timer);
    return { code, output };
  }

  it.each<Record<string, string>>([{}, { JWT_SECRET: '' }, { JWT_SECRET: '   ' }])('with NODE_ENV=production and JWT_SECRET %j, stops with a clear message and a non-zero exit', async (secret) => {
    const { code, output } = await boot({ NODE_ENV: 'production', ...secret });
    expect(code).toBe(1);
    expect(output).toContain('JWT_SECRET is not set (or empty): set it to a long random secret to run with NODE_ENV=production');
    expect(output).not.toContain('AG-UI endpoint');
  });

  it('with an empty JWT_SECRET outside production, boots on a demo secret and logins work', async () => {
    const app = await startExampleApp({ JWT_SECRET: '' });
    try {
      expect(app.output()).toMatch(/JWT_SECRET is not set/);
      expect((await login(app.url, 'alice', 'alice-demo')).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
