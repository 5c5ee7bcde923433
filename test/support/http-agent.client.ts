import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message, RunAgentInput } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';

export interface AgentRun {
  input: { threadId: string; runId: string };
  events: BaseEvent[];
  /** The messages the client holds after the run, as a UI would render them. */
  messages: Message[];
  agent: HttpAgent;
}

export interface RunOptions {
  /** Required unless `agent` is given. */
  url?: string;
  messages?: Message[];
  threadId?: string;
  runId?: string;
  headers?: Record<string, string>;
  tools?: RunAgentInput['tools'];
  context?: RunAgentInput['context'];
  forwardedProps?: unknown;
  state?: unknown;
  /** Reuse an agent (and its message history) across runs. */
  agent?: HttpAgent;
  /** Answers to the thread's pending interrupts (AG-UI 1.0 resume). */
  resume?: RunAgentInput['resume'];
  /** Sees each event as the client receives it, e.g. to note when it arrived. */
  onEvent?: (event: BaseEvent) => void;
}

export const userMessage = (content: string, id = randomUUID()): Message => ({ id, role: 'user', content });

/** One run through the real @ag-ui/client HttpAgent, collecting every event it saw. */
export async function runWithHttpAgent(options: RunOptions): Promise<AgentRun> {
  const threadId = options.agent?.threadId ?? options.threadId ?? `thread-${randomUUID()}`;
  const runId = options.runId ?? `run-${randomUUID()}`;
  const agent = options.agent ?? new HttpAgent({ url: options.url!, threadId, headers: options.headers ?? {} });
  if (options.messages) agent.setMessages([...agent.messages, ...options.messages]);
  if (options.state !== undefined) agent.setState(options.state as Record<string, unknown>);
  const events: BaseEvent[] = [];
  await agent.runAgent(
    { runId, tools: options.tools ?? [], context: options.context ?? [], forwardedProps: options.forwardedProps, ...(options.resume ? { resume: options.resume } : {}) },
    {
      onEvent: ({ event }) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
  );
  return { input: { threadId, runId }, events, messages: agent.messages, agent };
}

/** Parses a raw SSE body into events, the way a client without a library would (the testing kit's parser). */
export { parseSse } from 'nestjs-ag-ui/testing';
