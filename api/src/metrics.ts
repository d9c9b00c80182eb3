import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMembers } from './queue-leader.js';

/** What the ingest fast path reports, without knowing about Prometheus. */
export type IngestObserver = { published(events: number, confirmSeconds: number): void };

export type ApiMetrics = {
  registry: Registry;
  ingest: IngestObserver;
  /** Counts the response once it is sent, by route pattern (never the raw URL: ids would explode the series). */
  countResponse(req: IncomingMessage, res: ServerResponse, fastPathRoute: string | undefined): void;
  /** Exposes the ingest queue's depth and leader as the api last read them. */
  watchIngestQueue(source: { depth(): number | undefined; members(): QueueMembers | undefined }): void;
};

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'argus_api_' });
  const requests = new Counter({
    name: 'argus_api_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const confirmLatency = new Histogram({
    name: 'argus_api_publish_confirm_seconds',
    help: 'Time from publishing a request\'s message to the broker\'s confirm',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const accepted = new Counter({ name: 'argus_api_events_accepted_total', help: 'Events answered 202', registers: [registry] });

  return {
    registry,
    ingest: {
      published(events, confirmSeconds) {
        accepted.inc(events);
        confirmLatency.observe(confirmSeconds);
      },
    },
    watchIngestQueue(source) {
      new Gauge({
        name: 'argus_ingest_queue_messages',
        help: 'Ready messages in the ingest queue, as last read (every INGEST_QUEUE_CHECK_MS)',
        registers: [registry],
        collect() {
          const depth = source.depth();
          if (depth !== undefined) this.set(depth);
        },
      });
      new Gauge({
        name: 'argus_ingest_queue_leader',
        help: 'The ingest queue\'s member nodes: 1 for the one that leads it, 0 for the others (needs RABBITMQ_MANAGEMENT_URL)',
        labelNames: ['node'] as const,
        registers: [registry],
        collect() {
          const queue = source.members();
          this.reset();
          for (const node of queue?.members ?? []) this.set({ node }, node === queue?.leader ? 1 : 0);
        },
      });
    },
    countResponse(req, res, fastPathRoute) {
      res.once('finish', () => {
        // express sets req.route on the request once a route matched it
        const route = fastPathRoute ?? routePattern(req);
        requests.inc({ route, method: req.method ?? '', status: String(res.statusCode) });
      });
    },
  };
}

function routePattern(req: IncomingMessage): string {
  const matched = (req as { route?: { path?: unknown }; baseUrl?: string }).route;
  return typeof matched?.path === 'string' ? `${(req as { baseUrl?: string }).baseUrl ?? ''}${matched.path}` : 'unmatched';
}
