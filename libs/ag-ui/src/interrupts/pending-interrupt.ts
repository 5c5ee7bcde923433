/**
 * A tool call waiting for a human, as the server remembers it. The arguments are the ones
 * the model sent: a resume executes these (or edited ones, checked again), never what a
 * client's history claims the call was.
 */
export interface PendingInterrupt {
  readonly id: string;
  readonly threadId: string;
  /** The run that stopped for it. */
  readonly runId: string;
  readonly agentId: string;
  /** Who may answer it: the thread's owner when it was issued; undefined in anonymous mode. */
  readonly principal?: string;
  readonly toolCallId: string;
  readonly toolName: string;
  /** The model's arguments, as the JSON text it streamed. */
  readonly args: string;
  /** The assistant message that carries the call, to rebuild the history if a client dropped it. */
  readonly assistantMessageId: string;
  /** Epoch milliseconds after which it can only be cancelled. */
  readonly expiresAt: number;
}
