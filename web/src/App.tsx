import { useState } from 'react';
import type { Session } from './api';
import { SignIn } from './SignIn';
import { SupportDesk } from './SupportDesk';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  if (!session) return <SignIn onSignedIn={setSession} />;
  // A new user gets a new agent and a new thread: the old user's conversation must not carry over.
  return <SupportDesk key={session.token} session={session} onSignOut={() => setSession(null)} />;
}
