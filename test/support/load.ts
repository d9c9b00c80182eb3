import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleEvent } from './stack.js';

/** One request of a load run: what came back, and how long it took. */
export type Outcome = { status: number; code?: string; retryAfter: string | null; ms: number; ids: string[]; /** When it was sent (ms since the epoch). */ at: number };

export type Load = {
  outcomes: Outcome[];
  /** Ids answered 202 so far. */
  accepted(): string[];
  stop(): Promise<Outcome[]>;
};

/**
 * Keeps `concurrency` requests in flight until stopped, or until `maxRequests` were sent: each of
 * `batchSize` new events with ids of their own, or the same `body` every time. After a refusal a sender pauses briefly, as a client
 * would, rather than spin.
 */
export function startLoad(
  post: (body: unknown) => Promise<Response>,
  options: { concurrency: number; maxRequests?: number } & ({ batchSize: number } | { body: unknown }),
): Load {
  const outcomes: Outcome[] = [];
  let stopped = false;
  let sent = 0;
  const maxRequests = options.maxRequests ?? 20_000;

  async function send(): Promise<void> {
    while (!stopped && sent < maxRequests) {
      sent += 1;
      const started = Date.now();
      const body =
        'body' in options ? options.body : Array.from({ length: options.batchSize }, () => sampleEvent({ event_id: randomUUID(), session_id: randomUUID() }));
      // a connection cut mid-body fails the read as well as the request: both are a network error, never a rejection
      const outcome = await post(body)
        .then(async (response): Promise<Outcome> => {
          const body = (await response.json()) as { ids?: string[]; error?: { code: string } };
          return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), ms: Date.now() - started, ids: body.ids ?? [], at: started };
        })
        .catch((): Outcome => ({ status: 0, code: 'network_error', retryAfter: null, ms: Date.now() - started, ids: [], at: started }));
      outcomes.push(outcome);
      if (outcome.status !== 202) await sleep(20);
    }
  }

  const senders = Array.from({ length: options.concurrency }, () => send());
  return {
    outcomes,
    accepted: () => outcomes.flatMap((outcome) => outcome.ids),
    async stop() {
      stopped = true;
      await Promise.all(senders);
      return outcomes;
    },
  };
}
