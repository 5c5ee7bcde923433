import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AgUiModule, agUiBodyGate, OfflineChatModel } from 'nestjs-ag-ui';

/**
 * The cost of bodies at and over the limits, end to end on a real app (Express and Fastify): the
 * client's time to its answer, and the longest event-loop stall while the server handled them.
 * Separate from `npm run bench` (run it with `npm run build:lib && tsc -p tsconfig.bench.json && node dist/bench/body-cost.js`).
 */

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers.authorization === 'Bearer bench';
  }
}

@Module({
  imports: [AgUiModule.forRoot({ agents: [{ id: 'bench', model: 'offline' }], chatModel: new OfflineChatModel({ tokenDelayMs: 0 }), anonymous: true, guards: [TokenGuard] })],
  providers: [TokenGuard],
})
class BodyBenchModule {}

const MiB = 1024 * 1024;
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const base = (extra: string) => `{"threadId":"t-${Math.random().toString(36).slice(2)}","runId":"r1","messages":[{"id":"m1","role":"user","content":"hi"}],"tools":[],"context":[],${extra}}`;

/** 4 MiB at the limits: state nested to the depth limit (body 1 + state 1 + 62 arrays = 64), and the bulk as messages of 80 000 characters. */
function atLimit(): string {
  const messages: string[] = [];
  for (let i = 0; i < 50; i++) messages.push(`{"id":"m${i}","role":"user","content":"${'x'.repeat(80_000)}"}`);
  return `{"threadId":"t-${Math.random().toString(36).slice(2)}","runId":"r1","messages":[${messages.join(',')}],"tools":[],"context":[],"state":{"deep":${deep(62)}}}`;
}
const hostile = base(`"forwardedProps":{"a":${deep(1.9 * MiB)}}`);

async function measure(name: string, url: string, body: string, headers: Record<string, string>, expected: number, runs = 20): Promise<void> {
  const times: number[] = [];
  const stall = monitorEventLoopDelay({ resolution: 1 });
  stall.enable();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${name}: ${response.status}, expected ${expected}: ${text.slice(0, 300)}`);
    times.push(performance.now() - start);
  }
  stall.disable();
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(52)} ${(body.length / MiB).toFixed(2)} MiB  p50 ${times[runs >> 1].toFixed(1)} ms  max ${times[runs - 1].toFixed(1)} ms  longest loop stall ${(stall.max / 1e6).toFixed(1)} ms`,
  );
}

async function main(): Promise<void> {
  const limitBody = atLimit();
  for (const platform of ['express', 'fastify'] as const) {
    const app =
      platform === 'express'
        ? await NestFactory.create(BodyBenchModule, { logger: ['error', 'warn'] })
        : await NestFactory.create(BodyBenchModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
    if (platform === 'express') app.use(agUiBodyGate());
    await app.listen(0, '127.0.0.1');
    const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/agents/bench`;
    console.log(`-- ${platform}`);
    await measure('no token, 4 MiB nested 1.9M deep: 403 (guard)', url, hostile, {}, 403);
    await measure('token, 4 MiB nested 1.9M deep: 400 INPUT_TOO_DEEP', url, hostile, { authorization: 'Bearer bench' }, 400);
    await measure('token, 4 MiB at the limits (depth 64): 200, a whole run', url, limitBody, { authorization: 'Bearer bench' }, 200);
    await app.close();
  }
}

void main();
