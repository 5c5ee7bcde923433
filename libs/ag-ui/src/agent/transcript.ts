import type { AssistantMessage, Message, ToolCall, ToolMessage } from '@ag-ui/core';

/** Messages that are UI artefacts: the model never reads them, and a snapshot leaves the client's own in place. */
const UI_ONLY_ROLES = new Set<string>(['activity', 'reasoning']);

/**
 * The conversation of one run as the client will hold it afterwards: the client's messages,
 * then what the run added, each tool result right after the call it answers. It is the
 * model's history (minus what the client may not say) and the MESSAGES_SNAPSHOT.
 */
export class Transcript {
  private readonly list: Message[];

  constructor(
    input: readonly Message[],
    /** Client `system`/`developer` messages reach the model only when the module keeps them. */
    private readonly keepClientSystemMessages: boolean,
  ) {
    this.list = input.filter((message) => !UI_ONLY_ROLES.has(message.role));
  }

  get messages(): readonly Message[] {
    return this.list;
  }

  /** The history the model reads. */
  forModel(): Message[] {
    // The agent's instructions are the server's: a client's system or developer message could rewrite them.
    return this.keepClientSystemMessages ? [...this.list] : this.list.filter((message) => message.role !== 'system' && message.role !== 'developer');
  }

  add(message: Message): void {
    this.list.push(message);
  }

  /**
   * Places a tool result after the assistant message that made the call (and its earlier
   * results). A result the client already put there for the same call (some clients add the
   * approval answer as a tool message) gives way to the server's. When the client's history
   * lacks the call, `call` rebuilds it so the model still sees a call before its answer; when it
   * has it, `call` sets its arguments to those the call ran with.
   */
  addToolResult(result: ToolMessage, call?: { assistantMessageId: string; toolCall: ToolCall }): void {
    const stale = this.list.findIndex((message) => message.role === 'tool' && message.toolCallId === result.toolCallId);
    if (stale >= 0) this.list.splice(stale, 1);
    let owner = this.list.findIndex((message) => message.role === 'assistant' && message.toolCalls?.some((toolCall) => toolCall.id === result.toolCallId));
    if (owner >= 0 && call) {
      // The history shows the arguments the call ran with (edited by the user, or the server's record), not the client's copy.
      const message = this.list[owner] as AssistantMessage;
      const toolCalls = message.toolCalls!.map((toolCall) => (toolCall.id === call.toolCall.id ? { ...toolCall, function: { ...toolCall.function, arguments: call.toolCall.function.arguments } } : toolCall));
      this.list[owner] = { ...message, toolCalls };
    }
    if (owner < 0) {
      if (!call) {
        this.list.push(result);
        return;
      }
      const rebuilt: AssistantMessage = { id: call.assistantMessageId, role: 'assistant', toolCalls: [call.toolCall] };
      this.list.push(rebuilt);
      owner = this.list.length - 1;
    }
    let at = owner + 1;
    while (at < this.list.length && this.list[at]!.role === 'tool') at++;
    this.list.splice(at, 0, result);
  }
}
