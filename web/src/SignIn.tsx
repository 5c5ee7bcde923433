import { useState, type FormEvent } from 'react';
import { DEMO_USERS, apiBase, login, type DemoUser, type Session } from './api';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState<DemoUser>('alice');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await login(username));
    } catch (cause) {
      setError(`${cause instanceof Error ? cause.message : String(cause)}. Is the example app running at ${apiBase()}?`);
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="card" onSubmit={submit}>
        <h1>Support desk</h1>
        <p className="muted">
          A NestJS app behind JWT auth, streaming AG-UI to CopilotKit. Sign in as a demo customer (sam also has the support role).
        </p>
        <label>
          Demo user
          <select name="username" value={username} onChange={(event) => setUsername(event.target.value as DemoUser)}>
            {DEMO_USERS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
