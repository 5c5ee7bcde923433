import 'reflect-metadata';
import { BenchAppModule } from './shared/bench-app.module.js';
import { serveNestBench } from './shared/nest-bench-server.js';

/** The module's side of the bench on Express: a Nest app with AgUiModule and one @AgentTool, run from compiled output. */
void serveNestBench(BenchAppModule, 'MODULE', '/agents/bench');
