import {
  CopilotChat,
  CopilotKitProvider,
  HttpAgent,
  useAgent,
  useConfigureSuggestions,
  useDefaultRenderTool,
  useFrontendTool,
  useInterrupt,
} from '@copilotkit/react-core/v2';
import { useMemo, useState } from 'react';
import { z } from 'zod';
import { apiBase, type Session } from './api';
import { ApprovalCard } from './ApprovalCard';
import { progressRenderer } from './ProgressCard';
import { ToolCallCard } from './ToolCallCard';

/** Light tints, so the chat stays readable whatever the model picks. */
const PAGE_COLORS = {
  grey: '#f4f4f5',
  green: '#dcfce7',
  blue: '#dbeafe',
  purple: '#ede9fe',
  orange: '#ffedd5',
  pink: '#fce7f3',
  yellow: '#fef9c3',
} as const;
type PageColor = keyof typeof PAGE_COLORS;
const COLOR_NAMES = Object.keys(PAGE_COLORS) as [PageColor, ...PageColor[]];

const ACTIVITY_RENDERERS = [progressRenderer];

const SUGGESTIONS = [
  { title: 'My orders', message: 'show me my orders' },
  { title: 'Make the page green', message: 'make the page green' },
  { title: 'Trace a shipment', message: 'trace the shipment of ORD-1001' },
  { title: 'Refund an order', message: 'refund order ORD-1002, the mouse arrived broken' },
  { title: 'Watch an order', message: 'watch order ORD-1002' },
  { title: 'Draft a message', message: 'draft a message: please ship ORD-1002 before Friday' },
];

export function SupportDesk({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  // One agent per session: CopilotKit keeps the thread and its history on it. HttpAgent is
  // CopilotKit's re-export of its own @ag-ui/client (0.0.59 in CopilotKit 1.74): what the docs'
  // `import { HttpAgent } from '@ag-ui/client'` gives an app that installs only CopilotKit, and the
  // only one its types accept. It sends no protocolVersion, so the server answers in the pre-1.0 shape.
  const agents = useMemo(
    () => ({
      default: new HttpAgent({ url: `${apiBase()}/agents/support`, headers: { Authorization: `Bearer ${session.token}` } }),
    }),
    [session.token],
  );
  return (
    <CopilotKitProvider agents__unsafe_dev_only={agents} renderActivityMessages={ACTIVITY_RENDERERS} enableInspector={false}>
      <Workspace session={session} onSignOut={onSignOut} />
    </CopilotKitProvider>
  );
}

function Workspace({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [color, setColor] = useState<PageColor>('grey');
  const { agent } = useAgent();

  // Tool-based generative UI: the model calls a tool that runs here, in the page.
  useFrontendTool({
    name: 'setPageColor',
    description: 'Change the background colour of this page',
    parameters: z.object({ color: z.enum(COLOR_NAMES).describe('The new colour of the page') }),
    handler: async ({ color: next }) => {
      setColor(next);
      return `The page is now ${next}.`;
    },
  });
  // Backend tool rendering: every tool call the agent streams shows up as a card in the chat.
  useDefaultRenderTool({ render: (props) => <ToolCallCard {...props} /> });
  // Human in the loop: the run stops with an interrupt; Approve or Reject resumes it.
  useInterrupt({ render: (props) => <ApprovalCard {...props} /> });
  useConfigureSuggestions({ suggestions: SUGGESTIONS, available: 'always' });

  return (
    <div className="desk" data-testid="page" data-color={color} style={{ backgroundColor: PAGE_COLORS[color] }}>
      <header>
        <h1>Support desk</h1>
        <span className="muted">nestjs-ag-ui · AG-UI · CopilotKit</span>
        <span className="spacer" />
        <span className="user" data-testid="user">
          Signed in as <strong>{session.username}</strong>
        </span>
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        <section className="chat">
          <CopilotChat labels={{ chatInputPlaceholder: 'Ask about your orders…' }} />
        </section>
        <aside>
          <h2>Shared state</h2>
          <p className="muted">
            <code>agent.state</code>, as the server last sent it: <code>watchOrder</code> adds to the watchlist, <code>draftMessage</code>{' '}
            fills the draft while it is written.
          </p>
          <pre data-testid="state-json">{JSON.stringify(agent.state ?? {}, null, 2)}</pre>
          <h2>Page colour</h2>
          <p className="muted">
            Set by the frontend tool <code>setPageColor</code>: <strong data-testid="color-name">{color}</strong>
          </p>
        </aside>
      </main>
    </div>
  );
}
