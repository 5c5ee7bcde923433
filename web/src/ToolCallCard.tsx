import type { useDefaultRenderTool } from '@copilotkit/react-core/v2';

/** What `useDefaultRenderTool` passes to a renderer (CopilotKit does not export the type by name). */
type ToolCallProps = Parameters<NonNullable<NonNullable<Parameters<typeof useDefaultRenderTool>[0]>['render']>>[0];

const STATUS_LABELS: Record<ToolCallProps['status'], string> = { inProgress: 'calling…', executing: 'running…', complete: 'done' };

/**
 * One tool call in the chat: its name, status and a one-line result; opened, its arguments and
 * the full result. Open while it runs, so a call waiting for approval shows what it would do.
 */
export function ToolCallCard({ name, parameters, status, result }: ToolCallProps) {
  return (
    <details className="tool-call" data-testid="tool-call" data-tool-name={name} data-status={status} open={status !== 'complete'}>
      <summary>
        <span className="tool-name">{name}</span>
        <span className={`status status-${status}`}>{STATUS_LABELS[status]}</span>
        {result !== undefined && (
          <span className="preview" data-testid="tool-result">
            {result}
          </span>
        )}
      </summary>
      <div className="tool-body">
        <div className="label">arguments</div>
        <pre>{JSON.stringify(parameters ?? {}, null, 2)}</pre>
        {result !== undefined && (
          <>
            <div className="label">result</div>
            <pre>{pretty(result)}</pre>
          </>
        )}
      </div>
    </details>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
