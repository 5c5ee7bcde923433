import 'reflect-metadata';
import { BenchAppModule } from './shared/bench-app.module.js';
import { serveNestBench } from './shared/nest-bench-server.js';

/** The same module app as module.server.ts, on Nest's FastifyAdapter. */
void serveNestBench(BenchAppModule, 'MODULE_FASTIFY', '/agents/bench', 'fastify');
