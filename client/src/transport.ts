import type { ServerError } from './errors.js';
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js';

/** What one POST /events came to. */
export type PostOutcome =
  | { kind: 'accepted'; ids: string[] }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; status: number; error: ServerError };

export type Transport = (body: string, options: { keepalive: boolean }) => Promise<PostOutcome>;

/**
 * POSTs a batch with the global (or a given) fetch. `keepalive` lets a small request outlive the page
 * that sent it; navigator.sendBeacon cannot set the Authorization header the server requires.
 */
export function createTransport(options: { baseUrl: string; token: string; fetch: typeof fetch; requestTimeoutMs: number }): Transport {
  const url = new URL('events', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
  return async (body, { keepalive }) => {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
        body,
        keepalive,
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
    } catch (error) {
      return { kind: 'retryable', reason: describeNetworkError(error) };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { kind: 'accepted', ids: (parseJson(text) as { ids?: string[] } | undefined)?.ids ?? [] };
    const error = serverErrorOf(response, text);
    if (isRetryableStatus(response.status)) {
      return { kind: 'retryable', reason: `${response.status} ${error.code}: ${error.message}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    }
    return { kind: 'refused', status: response.status, error };
  };
}

function serverErrorOf(response: Response, text: string): ServerError {
  const error = (parseJson(text) as { error?: Partial<ServerError> } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') return error as ServerError;
  // a proxy in front of the service may answer in its own words
  return { code: `http_${response.status}`, message: text.slice(0, 200) || response.statusText };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'the request timed out';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
