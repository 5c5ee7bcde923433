import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/**
 * The secret that signs the demo's tokens. In production (NODE_ENV=production) JWT_SECRET must be
 * set, or the app does not start; elsewhere a missing or empty one gives a random secret per
 * process, with a warning, so `npm start` works on a fresh machine.
 */
export function jwtSecret(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.JWT_SECRET?.trim();
  if (configured) return configured;
  if (env.NODE_ENV === 'production') {
    throw new Error('JWT_SECRET is not set (or empty): set it to a long random secret to run with NODE_ENV=production');
  }
  new Logger('Auth').warn('JWT_SECRET is not set: signing tokens with a random DEMO secret (tokens die with the process). Set JWT_SECRET outside a demo.');
  return randomBytes(32).toString('hex');
}
