/** The demo's accounts. A real app checks hashed passwords in its user store; the shape of the flow is the same. */
export interface DemoUser {
  id: string;
  password: string;
  roles: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'alice', password: 'alice-demo', roles: ['customer'] },
  { id: 'bob', password: 'bob-demo', roles: ['customer'] },
  { id: 'sam', password: 'sam-demo', roles: ['customer', 'support'] },
];
