import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where the Chromium a test drives came from: an override, the npm registry, or the machine. */
export interface ChromiumBinary {
  path: string;
  from: 'CHROMIUM_PATH' | '@sparticuz/chromium' | 'system';
}

type PersistentContextOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/**
 * The same flags whatever the binary: no sandbox or GPU in a container, and nothing that phones
 * home (the network is closed). Not @sparticuz/chromium's `args`: they are for Lambda, and one of
 * them, --disable-web-security, would switch off the CORS the browser test is there to check.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const execFileAsync = promisify(execFile);
// Runs in a child so that TMPDIR, where the package unpacks, can differ from this process's own.
const UNPACK = 'const { default: chromium } = await import(process.argv[1]); process.stdout.write(await chromium.executablePath());';

/**
 * @sparticuz/chromium's headless Chromium (Linux x64 only), unpacked once a version into its own
 * folder under the temp dir. The package itself always unpacks to `<tmp>/chromium` and reuses
 * whatever is there, even a half-written file or another version's; so it unpacks into a fresh
 * folder here, which is renamed into place only once whole.
 */
async function registryChromium(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`it ships Linux x64 only, not ${process.platform} ${process.arch}`);
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const { version } = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  const home = join(tmpdir(), `sparticuz-chromium-${version}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;

  const staging = await mkdtemp(join(tmpdir(), 'sparticuz-chromium-unpacking-'));
  try {
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', UNPACK, pathToFileURL(entry).href], {
      env: { ...process.env, TMPDIR: staging, NODE_OPTIONS: '' },
    });
    if (stdout !== join(staging, 'chromium')) throw new Error(`it unpacked to ${stdout}, not into ${staging}`);
    // Another run may have got there first: then its copy is as good as this one.
    await rename(staging, home).catch((error: unknown) => {
      if (!existsSync(binary)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

/** CHROMIUM_PATH if set; else @sparticuz/chromium's (installed by `npm ci`); else a system Chromium. */
export async function findChromium(): Promise<ChromiumBinary> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH is ${override}, and there is nothing there`);
    return { path: override, from: 'CHROMIUM_PATH' };
  }
  let registryFailure: unknown;
  try {
    return { path: await registryChromium(), from: '@sparticuz/chromium' };
  } catch (error) {
    registryFailure = error;
  }
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  if (system) return { path: system, from: 'system' };
  throw new Error(
    `No Chromium: @sparticuz/chromium gave none (${registryFailure instanceof Error ? registryFailure.message : String(registryFailure)}), ` +
      `there is none at ${SYSTEM_CHROMIUMS.join(' or ')}, and CHROMIUM_PATH is not set`,
  );
}

/** A headless Chromium with its own profile in `userDataDir`, as `chromium.launchPersistentContext` gives it. */
export async function launchChromium(
  userDataDir: string,
  options: Omit<PersistentContextOptions, 'executablePath' | 'args'> = {},
): Promise<{ context: BrowserContext; binary: ChromiumBinary }> {
  const binary = await findChromium();
  const context = await chromium.launchPersistentContext(userDataDir, { ...options, executablePath: binary.path, args: CHROMIUM_ARGS });
  return { context, binary };
}
