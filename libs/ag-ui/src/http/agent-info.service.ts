import { Inject, Injectable } from '@nestjs/common';
import { PROTOCOL_VERSION, type AgentCapabilities } from '@ag-ui/core';
import { CHAT_MODEL } from '../ag-ui.constants.js';
import { AgentCatalog } from '../agent/agent.catalog.js';
import type { ChatModel } from '../models/chat-model.interface.js';
import { ToolRegistry } from '../tools/tool.registry.js';

export interface AgentInfo {
  id: string;
  description?: string;
  tools: Array<{ name: string; description: string; parameters: Record<string, unknown> }>;
  capabilities: AgentCapabilities;
}

export interface AgentsInfo {
  protocolVersion: string;
  agents: AgentInfo[];
}

/** What `GET /{path}` answers: each agent with its backend tools and AG-UI capabilities. */
@Injectable()
export class AgentInfoService {
  constructor(
    private readonly catalog: AgentCatalog,
    private readonly registry: ToolRegistry,
    @Inject(CHAT_MODEL) private readonly model: ChatModel,
  ) {}

  describe(): AgentsInfo {
    return {
      protocolVersion: PROTOCOL_VERSION,
      agents: this.catalog.list().map((agent) => {
        const tools = this.registry.forAgent(agent.id).map(({ name, description, parameters }) => ({ name, description, parameters }));
        return {
          id: agent.id,
          ...(agent.description ? { description: agent.description } : {}),
          tools,
          capabilities: {
            identity: { name: agent.id, ...(agent.description ? { description: agent.description } : {}), provider: this.model.provider },
            transport: { streaming: true, httpBinary: true },
            tools: { supported: true, items: tools, parallelCalls: true, clientProvided: true },
            reasoning: { supported: true, streaming: true },
            execution: { maxIterations: agent.maxSteps },
          },
        };
      }),
    };
  }
}
