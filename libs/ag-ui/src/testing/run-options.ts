import { PROTOCOL_VERSION, type Context, type Message, type RunAgentInput, type Tool } from '@ag-ui/core';
import { randomUUID } from 'node:crypto';

/** The parts of a run a test gives; everything is optional. */
export interface RunAgentOptions {
  /** A user message appended after `messages`: the usual way to ask the agent something. */
  message?: string;
  /** The conversation so far (AG-UI messages). */
  messages?: Message[];
  /** Default: a new random thread. */
  threadId?: string;
  /** Default: a new random run id. */
  runId?: string;
  parentRunId?: string;
  /** The shared state the client holds (default `{}`). */
  state?: unknown;
  /** Frontend tools the client offers. */
  tools?: Tool[];
  context?: Context[];
  forwardedProps?: unknown;
  /** Answers to the thread's pending interrupts (AG-UI 1.0 resume). */
  resume?: RunAgentInput['resume'];
  /** Check the events (schemas, verifyEvents, RUN_STARTED first, one terminal event); default true. */
  check?: boolean;
}

/** The RunAgentInput a client would send for these options. */
export function buildRunInput(options: RunAgentOptions): RunAgentInput {
  const messages = [...(options.messages ?? [])];
  if (options.message !== undefined) messages.push({ id: randomUUID(), role: 'user', content: options.message });
  return {
    threadId: options.threadId ?? `thread-${randomUUID()}`,
    runId: options.runId ?? `run-${randomUUID()}`,
    ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
    messages,
    tools: options.tools ?? [],
    context: options.context ?? [],
    state: options.state ?? {},
    forwardedProps: options.forwardedProps ?? {},
    ...(options.resume ? { resume: options.resume } : {}),
    // As an AG-UI 1.0 client: without it, the server answers in the pre-1.0 shape.
    protocolVersion: PROTOCOL_VERSION,
  } as RunAgentInput;
}
