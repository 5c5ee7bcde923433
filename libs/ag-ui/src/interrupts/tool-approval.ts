import type { AgentRunContext } from '../agent/agent-run-context.js';
import type { AgentToolOptions, ApprovalEditCheck, ToolApprovalOptions } from '../tools/agent-tool.decorator.js';

/** A tool's approval rule with its defaults applied. */
export interface ToolApproval {
  needed(args: unknown, context: AgentRunContext): Promise<boolean>;
  message(args: unknown, context: AgentRunContext): string;
  readonly ttlMs?: number;
  /** Whether an approval may carry edited arguments (`allowEdits`); false by default. */
  readonly allowsEdits: boolean;
  /** The tool's check of an edit against the original, when it has one. */
  readonly checkEdit?: ApprovalEditCheck;
}

function defaultMessage(toolName: string, args: unknown): string {
  const shown = JSON.stringify(args ?? {});
  return `Allow ${toolName} to run with ${shown.length > 500 ? `${shown.slice(0, 499)}…` : shown}?`;
}

/** `approval: true | predicate | options` as one shape; undefined when the tool runs without asking. */
export function toolApprovalOf(toolName: string, approval: AgentToolOptions['approval'], source: string): ToolApproval | undefined {
  if (approval === undefined || approval === false) return undefined;
  const options: ToolApprovalOptions = approval === true ? {} : typeof approval === 'function' ? { when: approval } : approval;
  if (typeof options !== 'object' || options === null) throw new Error(`@AgentTool() on ${source}: approval must be true, a function or options`);
  if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) {
    throw new Error(`@AgentTool() on ${source}: approval.ttlMs must be a positive number of milliseconds`);
  }
  const { when, message, allowEdits = false } = options;
  if (typeof allowEdits !== 'boolean' && typeof allowEdits !== 'function') {
    throw new Error(`@AgentTool() on ${source}: approval.allowEdits must be true, false or a function (edited, original, context)`);
  }
  return {
    needed: async (args, context) => (when ? (await when(args, context)) === true : true),
    message: (args, context) => (typeof message === 'function' ? message(args, context) : (message ?? defaultMessage(toolName, args))),
    ttlMs: options.ttlMs,
    allowsEdits: allowEdits !== false,
    ...(typeof allowEdits === 'function' ? { checkEdit: allowEdits } : {}),
  };
}
