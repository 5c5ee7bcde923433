import { Logger } from '@nestjs/common';
import { OfflineChatModel, type AgUiModuleOptions } from 'nestjs-ag-ui';
import { supportStateSchema } from './support/support.state.js';

export const SUPPORT_AGENT_INSTRUCTIONS =
  'You are the support assistant of an online shop. Use the tools to look up the customer\'s orders and invoices ' +
  'and to open tickets, trace shipments, refund orders (the customer approves each refund), keep the watchlist and draft ' +
  'messages. Never guess order data: call a tool. Answer briefly.';

/**
 * The example's AG-UI options. Without OPENAI_API_KEY it runs on the built-in offline
 * model, and says so: the demo must work on a fresh machine with no key.
 */
export function agentOptions(env: NodeJS.ProcessEnv = process.env): AgUiModuleOptions {
  const offline = !env.OPENAI_API_KEY;
  if (offline) new Logger('AgUi').warn('OPENAI_API_KEY is not set: using the OFFLINE demo model (deterministic, no network).');
  return {
    agents: [
      {
        id: 'support',
        description: 'Support desk: orders, invoices, tickets, refunds and shipments',
        instructions: SUPPORT_AGENT_INSTRUCTIONS,
        stateSchema: supportStateSchema,
        // Steps and a closing messages snapshot, as UIs such as CopilotKit use them.
        events: { steps: true, messagesSnapshot: true },
      },
    ],
    // How long a refund approval may wait (APPROVAL_TTL_MS; the module's default is an hour).
    ...(Number(env.APPROVAL_TTL_MS) > 0 ? { approvalTtlMs: Number(env.APPROVAL_TTL_MS) } : {}),
    ...(offline ? { chatModel: new OfflineChatModel(), defaultModel: 'offline-demo' } : {}),
  };
}

/** Runs one user may start per minute (RUNS_PER_MINUTE, default 30). */
export function runsPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.RUNS_PER_MINUTE ?? 30);
  return Number.isInteger(value) && value > 0 ? value : 30;
}
