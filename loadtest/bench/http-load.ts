import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * Runs one autocannon load in a process of its own (so the load generator does not share an event
 * loop with what it measures) and prints its figures as JSON. Ids answered with 202 are appended
 * to `idsFile` for the loss check.
 */
export type LoadSpec = {
  url: string;
  token?: string;
  bodiesFile: string;
  /** Default POST /events with JSON bodies. */
  path?: string;
  headers?: Record<string, string>;
  /** Bodies stored as base64 (compressed ones), sent as bytes. */
  base64Bodies?: boolean;
  connections: number;
  durationSeconds: number;
  /** Requests per second across all connections; absent = as fast as possible. */
  overallRate?: number;
  idsFile?: string;
};

export type LoadResult = {
  requests: number;
  requestsPerSecond: number;
  latencyP50: number;
  /** autocannon's percentiles skip p95: p97.5 is the nearest it reports. */
  latencyP97_5: number;
  latencyP99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  acceptedEvents: number;
};

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const texts = JSON.parse(readFileSync(spec.bodiesFile, 'utf8')) as string[];
const bodies = spec.base64Bodies ? texts.map((text) => Buffer.from(text, 'base64')) : texts;
if (spec.idsFile) writeFileSync(spec.idsFile, '');
let next = 0;
let acceptedEvents = 0;
let pendingIds: string[] = [];
const statuses: Record<string, number> = {};

const flushIds = () => {
  if (spec.idsFile && pendingIds.length > 0) appendFileSync(spec.idsFile, `${pendingIds.join('\n')}\n`);
  pendingIds = [];
};

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  requests: [
    {
      method: 'POST',
      path: spec.path ?? '/events',
      headers: { 'content-type': 'application/json', ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}), ...spec.headers },
      // autocannon sends a Buffer body as it is; its types say string
      setupRequest: (request) => ({ ...request, body: bodies[(next++) % bodies.length] as string }),
      onResponse: (status, body) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        // POST /events answers 202, Segment's routes 200
        if (status !== 202 && status !== 200) return;
        const ids = (JSON.parse(body) as { ids?: string[]; accepted: number }).ids;
        acceptedEvents += ids?.length ?? 0;
        if (ids && spec.idsFile) {
          pendingIds.push(...ids);
          if (pendingIds.length > 10_000) flushIds();
        }
      },
    },
  ],
});
flushIds();

const output: LoadResult = {
  requests: result.requests.total,
  requestsPerSecond: result.requests.average,
  latencyP50: result.latency.p50,
  latencyP97_5: result.latency.p97_5,
  latencyP99: result.latency.p99,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  acceptedEvents,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
