import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import { RunContext } from '../agent/run-context.js';
import { PROTOCOL_VERSION, type AgentCapabilities } from '@ag-ui/core';
import { CHAT_MODEL } from '../ag-ui.constants.js';
import { AgentCatalog } from '../agent/agent.catalog.js';
import type { ChatModel } from '../models/chat-model.interface.js';
import type { JsonSchema } from '../tools/schema/json-schema.types.js';
import type { ToolSchemaSource } from '../tools/schema/tool-schema.interface.js';
import { ToolRegistry, type RegisteredTool } from '../tools/tool.registry.js';

export interface ToolInfo {
  name: string;
  description: string;
  /** The arguments' JSON Schema as its source describes it. */
  parameters: JsonSchema;
  /** The form offered with `strict: true`, or null when the tool is offered without strict mode. */
  strictParameters: JsonSchema | null;
  schemaSource: ToolSchemaSource;
  /** Whether a call may stop the run for a human's approval (an interrupt). */
  approval: boolean;
  /** `{ stateKey: argumentName }` when the tool predicts state from its arguments. */
  predictState?: Record<string, string>;
}

export interface AgentInfo {
  id: string;
  description?: string;
  tools: ToolInfo[];
  capabilities: AgentCapabilities;
}

export interface AgentsInfo {
  protocolVersion: string;
  agents: AgentInfo[];
}

/** A run context for deciding what a caller is offered outside a run: no thread, no input, no state. */
function listingContext(agentId: string, request: IncomingMessage & { user?: unknown }): AgentRunContext {
  return RunContext.detached({
    agentId,
    threadId: '',
    runId: '',
    user: request.user,
    principal: undefined,
    request,
    input: { threadId: '', runId: '', messages: [], tools: [], context: [], state: undefined, forwardedProps: undefined },
    signal: new AbortController().signal,
    logger: LISTING_LOGGER,
  });
}

const LISTING_LOGGER = new Logger('AgUi');

function toolInfo(tool: RegisteredTool): ToolInfo {
  return {
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strictParameters: tool.strictParameters ?? null,
    schemaSource: tool.schema.source,
    approval: tool.approval !== undefined,
    ...(tool.predictState ? { predictState: { ...tool.predictState } } : {}),
  };
}

/** What `GET /{path}` answers: each agent with its backend tools (both schema forms) and AG-UI capabilities. */
@Injectable()
export class AgentInfoService {
  constructor(
    private readonly catalog: AgentCatalog,
    private readonly registry: ToolRegistry,
    @Inject(CHAT_MODEL) private readonly model: ChatModel,
  ) {}

  /** What the caller may see: tools whose guards refuse them are left out, as they are from their runs. */
  async describe(request: IncomingMessage & { user?: unknown }): Promise<AgentsInfo> {
    return {
      protocolVersion: PROTOCOL_VERSION,
      agents: await Promise.all(this.catalog.list().map(async (agent) => {
        const tools = (await this.registry.offeredFor(agent.id, listingContext(agent.id, request))).map(toolInfo);
        return {
          id: agent.id,
          ...(agent.description ? { description: agent.description } : {}),
          tools,
          capabilities: {
            identity: { name: agent.id, ...(agent.description ? { description: agent.description } : {}), provider: this.model.provider },
            transport: { streaming: true, httpBinary: true },
            tools: {
              supported: true,
              items: tools.map(({ name, description, parameters }) => ({ name, description, parameters })),
              parallelCalls: true,
              clientProvided: true,
            },
            reasoning: { supported: true, streaming: true },
            state: { snapshots: true, deltas: true },
            humanInTheLoop: { supported: true, approvals: true, interrupts: true, approveWithEdits: true },
            execution: { maxIterations: agent.maxSteps },
          },
        };
      })),
    };
  }
}
