/** The example app's demo accounts (src/auth/demo-users.ts); each password is `<name>-demo`. */
export const DEMO_USERS = ['alice', 'bob', 'sam'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

export interface Session {
  username: DemoUser;
  token: string;
}

/**
 * Where the example app runs. `npm start` serves this page itself, so its own origin; a page
 * served elsewhere names the app with `?api=` (the browser test does), and `vite` dev talks to
 * the app on its default port, which allows the dev server's origin by CORS.
 */
export function apiBase(): string {
  const override = new URLSearchParams(window.location.search).get('api');
  const base = override ?? (import.meta.env.DEV ? 'http://127.0.0.1:3000' : window.location.origin);
  return base.replace(/\/+$/, '');
}

export async function login(username: DemoUser): Promise<Session> {
  const response = await fetch(`${apiBase()}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-demo` }),
  });
  if (!response.ok) throw new Error(`Login failed: HTTP ${response.status}`);
  const { access_token } = (await response.json()) as { access_token: string };
  return { username, token: access_token };
}
