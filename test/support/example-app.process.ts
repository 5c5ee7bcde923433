import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './child-process.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const READY = /AG-UI endpoint: POST (http:\/\/[^/\s]+)\//;

export interface ExampleApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The example app as `npm start` runs it: the built `dist/main.js` in its own Node process
 * (so CommonJS dependencies such as @nestjs/throttler load as they do for users), on a free port.
 */
export async function startExampleApp(env: Record<string, string> = {}): Promise<ExampleApp> {
  const { OPENAI_API_KEY: _key, JWT_SECRET: _secret, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...inherited, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example app did not start:\n${output}`)), 15_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example app exited with ${code} (is dist/ built? npm test builds it):\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () => stopProcess(child),
  };
}
