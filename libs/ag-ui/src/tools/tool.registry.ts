import { Injectable } from '@nestjs/common';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import type { ToolApproval } from '../interrupts/tool-approval.js';
import type { ModelToolDefinition } from '../models/chat-model.interface.js';
import type { JsonSchema } from './schema/json-schema.types.js';
import type { ToolSchema } from './schema/tool-schema.interface.js';

/** A discovered tool, ready to offer to a model and to call. */
export interface RegisteredTool {
  readonly name: string;
  readonly description: string;
  /** The arguments' schema as its source describes it (the non-strict form). */
  readonly parameters: JsonSchema;
  /** The strict form, when the schema has one and strict tools are on. */
  readonly strictParameters?: JsonSchema;
  readonly schema: ToolSchema;
  readonly agents?: readonly string[];
  readonly timeoutMs?: number;
  /** Present when a call may need a human's approval first. */
  readonly approval?: ToolApproval;
  /** `{ stateKey: argumentName }` for predictive state updates. */
  readonly predictState?: Readonly<Record<string, string>>;
  /** `Class.method`, for messages that must point at the code. */
  readonly source: string;
  /** Calls the method through Nest's pipeline with arguments that passed `schema.check`. */
  invoke(args: unknown, context: AgentRunContext, toolCallId: string): Promise<unknown>;
  /** Whether the tool's guards let this run's caller see it; absent when it has none. */
  offeredTo?(context: AgentRunContext): Promise<boolean>;
}

/** The backend tools, filled once at bootstrap by the explorer. */
const MODEL_TOOLS = new WeakMap<RegisteredTool, ModelToolDefinition>();

@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();

  register(tool: RegisteredTool): void {
    const existing = this.tools.get(tool.name);
    if (existing) {
      throw new Error(`AgentTool name "${tool.name}" is declared twice: ${existing.source} and ${tool.source}. Give one of them another name.`);
    }
    this.tools.set(tool.name, tool);
  }

  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  forAgent(agentId: string): RegisteredTool[] {
    return [...this.tools.values()].filter((tool) => !tool.agents || tool.agents.includes(agentId));
  }

  /** The agent's tools this run's caller may see: those whose guards refuse them are left out. */
  async offeredFor(agentId: string, context: AgentRunContext): Promise<RegisteredTool[]> {
    const candidates = this.forAgent(agentId);
    const offered = await Promise.all(candidates.map((tool) => tool.offeredTo?.(context) ?? true));
    return candidates.filter((_, index) => offered[index]);
  }

  /** What the model is offered for `tool`: built once per tool, not once per run. */
  static toModelTool(tool: RegisteredTool): ModelToolDefinition {
    let definition = MODEL_TOOLS.get(tool);
    if (!definition) {
      definition = tool.strictParameters
        ? { name: tool.name, description: tool.description, parameters: tool.strictParameters, strict: true }
        : { name: tool.name, description: tool.description, parameters: tool.parameters };
      MODEL_TOOLS.set(tool, definition);
    }
    return definition;
  }
}
