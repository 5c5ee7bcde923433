import { SetMetadata } from '@nestjs/common';
import { AGENT_TOOL_METADATA } from '../ag-ui.constants.js';

export interface AgentToolOptions {
  /** Name the model calls; defaults to the method name. */
  name?: string;
  /** What the tool does, for the model. Required: a tool without one is a bootstrap error. */
  description: string;
  /** JSON Schema of the arguments object. */
  parameters?: Record<string, unknown>;
  /** Agents that may use the tool; every agent when absent. */
  agents?: string[];
  /** Longest run time of one call, overriding the module's `toolTimeoutMs`. */
  timeoutMs?: number;
}

/** Marks a provider method as a tool the agents can call. The method gets `(args, context)`. */
export const AgentTool = (options: AgentToolOptions): MethodDecorator => SetMetadata(AGENT_TOOL_METADATA, options);
