import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a browser may reuse a preflight's answer (Chromium keeps it at most 2 hours). */
const preflightMaxAgeSeconds = 7200;

/**
 * CORS for the ingest routes, so that pages of other origins can send. Any origin passes the
 * preflight, which carries no key; the request itself is refused (403) when its application
 * restricts the origins allowed to send with its keys. Returns true when it answered (a preflight).
 */
export function answerCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    // helmet's same-origin policy would keep other origins' pages from reading the answer
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.statusCode = 204;
  res.setHeader('Access-Control-Allow-Methods', 'POST');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Content-Encoding, X-Request-Id');
  res.setHeader('Access-Control-Max-Age', String(preflightMaxAgeSeconds));
  res.end();
  return true;
}
