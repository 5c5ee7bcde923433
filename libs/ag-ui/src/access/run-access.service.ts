import { Injectable } from '@nestjs/common';
import type { RunAgentInput } from '@ag-ui/core';
import { AgentCatalog, type ResolvedAgent } from '../agent/agent.catalog.js';
import { InterruptService, type ResumeCaller, type ResumeDecision } from '../interrupts/interrupt.service.js';
import { ThreadAccess } from './thread-access.service.js';

/**
 * The checks between knowing who runs and running, in the one order every way of starting a run
 * uses (the controller, and the testing kit's direct runs): each can still refuse, and the last
 * one consumes the answered interrupts, so nothing after it may refuse the run.
 */
@Injectable()
export class RunAccess {
  constructor(
    private readonly threads: ThreadAccess,
    private readonly interrupts: InterruptService,
    private readonly catalog: AgentCatalog,
  ) {}

  async open(agent: ResolvedAgent, input: RunAgentInput, principal: string | undefined, caller: ResumeCaller): Promise<ResumeDecision[]> {
    // A thread waiting for a human stays its owner's, even if the ownership store forgot it meanwhile.
    const pending = await this.interrupts.pendingFor(input.threadId, principal);
    await this.threads.claim(input.threadId, principal);
    await this.catalog.checkState(agent, input.state);
    return this.interrupts.resume(input, pending, principal, agent.id, caller);
  }
}
