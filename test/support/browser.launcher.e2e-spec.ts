import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findChromium, launchChromium } from './browser.launcher.js';

/** Which Chromium the browser test gets, on a machine with no Chromium of its own. */
describe('the browser launcher', () => {
  const override = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (override === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = override;
  });

  it("without CHROMIUM_PATH, runs @sparticuz/chromium's Chromium, whole and the package's version", async () => {
    delete process.env.CHROMIUM_PATH;
    const binary = await findChromium();
    expect(binary.from).toBe('@sparticuz/chromium');
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
    const { version } = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    // The package's major version is its Chromium's.
    expect(execFileSync(binary.path, ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^Chromium ${version.split('.')[0]}\\.`));
    // Found again, not unpacked again.
    const unpacked = statSync(binary.path).mtimeMs;
    expect(await findChromium()).toEqual(binary);
    expect(statSync(binary.path).mtimeMs).toBe(unpacked);
  });

  it('CHROMIUM_PATH wins, and one that points at nothing is an error naming it', async () => {
    delete process.env.CHROMIUM_PATH;
    const { path } = await findChromium();
    process.env.CHROMIUM_PATH = path;
    expect(await findChromium()).toEqual({ path, from: 'CHROMIUM_PATH' });
    process.env.CHROMIUM_PATH = '/nowhere/chromium';
    await expect(findChromium()).rejects.toThrow('CHROMIUM_PATH is /nowhere/chromium');
  });

  it('launches a context that runs a page', async () => {
    delete process.env.CHROMIUM_PATH;
    const userDataDir = await mkdtemp(join(tmpdir(), 'ag-ui-chromium-'));
    const { context } = await launchChromium(userDataDir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.setContent('<p id="sum"></p><script>document.getElementById("sum").textContent = String(20 + 22)</script>');
      expect(await page.locator('#sum').textContent()).toBe('42');
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
