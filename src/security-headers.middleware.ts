import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the chat page (web/, served from the same origin) needs and nothing more: its own
 * scripts, styles (React sets style attributes, hence 'unsafe-inline' for styles only), the
 * data: favicon and fonts, and fetches to this origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The headers helmet would set that matter here, set by hand (helmet is not a dependency).
 * They are set before the handler runs, so a streamed run carries them in its first write and
 * nothing is done per event. HSTS only when the request came over https (directly, or through a
 * proxy the app trusts, which says so in X-Forwarded-Proto): over plain http it means nothing.
 */
export function securityHeaders(trustProxy: boolean) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    const https = (req.socket as { encrypted?: boolean }).encrypted === true || (trustProxy && req.headers['x-forwarded-proto'] === 'https');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
