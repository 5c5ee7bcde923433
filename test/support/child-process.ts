import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Stops a server process the test started, and waits until it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
