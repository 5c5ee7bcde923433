/**
 * What any Nest app pays before its handler runs, and nothing of this module: the baseline's own
 * handler (shared/baseline.handler.ts) behind Express, its body parser and router, and Nest's
 * routing, in a controller with `@Req()` and `@Res()`. Module ÷ floor is the module's own share.
 *
 * Run: FAKE_MODEL_URL=http://127.0.0.1:<p>/v1 BENCH_MODEL=bench-t50-p0-tool0 PORT=0 node dist/bench/nest-floor.server.js
 *      →  prints `NEST_FLOOR_READY http://127.0.0.1:<port>/agent`
 */
import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Module, Post, Req, Res } from '@nestjs/common';
import { handleAgentRequest } from './shared/baseline.handler.js';
import { serveNestBench } from './shared/nest-bench-server.js';

@Controller('agent')
class FloorController {
  @Post()
  run(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    handleAgentRequest(req, res, '/agent').catch(() => res.destroy());
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

void serveNestBench(FloorModule, 'NEST_FLOOR', '/agent');
