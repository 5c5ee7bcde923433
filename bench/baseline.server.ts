/**
 * The hand-written baseline on node:http: the bench's floor for Node (see shared/baseline.handler.ts).
 *
 * Run: FAKE_MODEL_URL=http://127.0.0.1:<p>/v1 BENCH_MODEL=bench-t50-p0-tool0 PORT=0 node dist/bench/baseline.server.js
 *      →  prints `BASELINE_READY http://127.0.0.1:<port>/agent`
 */
import { createServer } from 'node:http';
import { handleAgentRequest } from './shared/baseline.handler.js';
import { serveBench } from './shared/bench-server.js';

const server = createServer((req, res) => {
  handleAgentRequest(req, res, '/agent').catch(() => res.destroy());
});
serveBench(server, 'BASELINE', '/agent');
