import { createHash } from 'node:crypto';
import { refusedUrl, type StoredEventMessage } from '@argus/shared';
import { Webhook } from 'standardwebhooks';
import { fetch, type Response } from 'undici';
import { createGuardedAgent } from './guarded-agent.js';

/** What one attempt to deliver an event came to. `status` is null when no HTTP answer came (network, timeout). */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'failed'; status: number | null; error: string; noRetry: boolean; durationMs: number };

export type FailedDelivery = Extract<DeliveryOutcome, { kind: 'failed' }>;

export type WebhookTarget = { id: string; url: string; signingSecret: string };

/** Sends one event; never throws: every way it can go is an outcome. */
export type SendWebhook = (event: StoredEventMessage) => Promise<DeliveryOutcome>;

/** Of a failing receiver's answer, this much is kept as the error text. */
const errorBodyBytes = 300;

/**
 * The delivery id receivers dedupe by: the same for an event and a destination on every attempt
 * and redelivery, different for another destination of the same event.
 */
export function webhookId(destinationId: string, eventId: string): string {
  return `msg_${createHash('sha256').update(`${destinationId}/${eventId}`).digest('base64url').slice(0, 27)}`;
}

/** The body: the same bytes on every attempt, so a receiver may also compare them. */
const webhookBody = (event: StoredEventMessage): string => JSON.stringify({ type: 'event.stored', timestamp: event.timestamp, data: event });

/**
 * A Standard Webhooks sender for one destination: POST the body with `webhook-id`,
 * `webhook-timestamp` (this attempt) and `webhook-signature` (`v1,` HMAC-SHA256 of
 * `id.timestamp.body` with the destination's secret). 2xx is delivered; anything else, a network
 * error or the timeout is a failure, final when the receiver answers `Argus-No-Retry: true`.
 * Redirects are not followed: a receiver that moved must be told by changing the destination.
 * An address the destination rule refuses (see `refusedUrl`), named in the URL or resolved from
 * it, is a failed attempt that says why, and no request is sent.
 */
export function createWebhookSender(target: WebhookTarget, options: { timeoutMs: number; allowPrivateNetworks: boolean }): SendWebhook {
  const signer = new Webhook(target.signingSecret);
  const dispatcher = createGuardedAgent(options);
  const refusedTarget = refusedUrl(target.url, options);
  return async (event) => {
    const id = webhookId(target.id, event.id);
    const body = webhookBody(event);
    const sentAt = new Date();
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    if (refusedTarget) return { kind: 'failed', status: null, error: `refused address: ${refusedTarget}`, noRetry: false, durationMs: 0 };
    try {
      const response = await fetch(target.url, {
        dispatcher,
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Argus-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signer.sign(id, sentAt, body),
        },
        body,
      });
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel();
        return { kind: 'delivered', status: response.status, durationMs: durationMs() };
      }
      const noRetry = response.status >= 400 && response.headers.get('argus-no-retry')?.trim().toLowerCase() === 'true';
      const error = `HTTP ${response.status}: ${await startOf(response)}`.trim();
      return { kind: 'failed', status: response.status, error, noRetry, durationMs: durationMs() };
    } catch (error) {
      return { kind: 'failed', status: null, error: describeNetworkError(error, options.timeoutMs), noRetry: false, durationMs: durationMs() };
    }
  };
}

/** The first bytes of an answer, enough to say what went wrong, without reading a huge body whole. */
async function startOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < errorBodyBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch {
    // the receiver hung up mid-answer: what came is enough
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, errorBodyBytes).toString('utf8');
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
