import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { cpuSecondsOf } from './processes.js';

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
  /**
   * Several loads taking turns on the same connections (`bodiesFile`, `path` and `headers` above are
   * then unused): each runs for `windowMs`, the next one then, in another order each cycle, so that
   * the machine's other work falls on all of them alike. The result tells each window apart.
   */
  alternate?: { loads: AlternateLoad[]; windowMs: number; cpuPid?: number };
};

export type AlternateLoad = { name: string; bodiesFile: string; path?: string; headers?: Record<string, string>; base64Bodies?: boolean };

/** One turn of one load: its events accepted, counted by when their request was sent. */
export type LoadWindow = { load: string; cycle: number; seconds: number; acceptedEvents: number; requests: number; failed: number; cpuSeconds?: number };

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
  windows?: LoadWindow[];
};

type Load = { name: string; path: string; headers: Record<string, string>; bodies: (string | Buffer)[] };

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const readBodies = (file: string, base64 = false) => {
  const texts = JSON.parse(readFileSync(file, 'utf8')) as string[];
  return base64 ? texts.map((text) => Buffer.from(text, 'base64')) : texts;
};
const baseHeaders = { 'content-type': 'application/json', ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}) };
const loads: Load[] = spec.alternate
  ? spec.alternate.loads.map((load) => ({ name: load.name, path: load.path ?? '/events', headers: { ...baseHeaders, ...load.headers }, bodies: readBodies(load.bodiesFile, load.base64Bodies) }))
  : [{ name: 'load', path: spec.path ?? '/events', headers: { ...baseHeaders, ...spec.headers }, bodies: readBodies(spec.bodiesFile, spec.base64Bodies) }];
if (spec.idsFile) writeFileSync(spec.idsFile, '');
const next = new Map(loads.map((load) => [load, 0]));
let acceptedEvents = 0;
let pendingIds: string[] = [];
const statuses: Record<string, number> = {};

// the turns: window i runs load order[i]; cycle c takes the loads in the order rotated by c
const windows: (LoadWindow & { startedAt: number; cpuAtStart?: number })[] = [];
const openWindow = () => {
  const index = windows.length;
  const cycle = Math.floor(index / loads.length);
  const load = loads[(cycle + index) % loads.length]!;
  windows.push({ load: load.name, cycle, seconds: 0, acceptedEvents: 0, requests: 0, failed: 0, startedAt: performance.now(), cpuAtStart: cpuSecondsOf(spec.alternate?.cpuPid) });
  return load;
};
const closeWindow = () => {
  const window = windows.at(-1)!;
  window.seconds = (performance.now() - window.startedAt) / 1000;
  const cpu = cpuSecondsOf(spec.alternate?.cpuPid);
  if (cpu !== undefined && window.cpuAtStart !== undefined) window.cpuSeconds = cpu - window.cpuAtStart;
};
let current = openWindow();
const switching = spec.alternate
  ? setInterval(() => {
      closeWindow();
      current = openWindow();
    }, spec.alternate.windowMs)
  : undefined;

const flushIds = () => {
  if (spec.idsFile && pendingIds.length > 0) appendFileSync(spec.idsFile, `${pendingIds.join('\n')}\n`);
  pendingIds = [];
};

type Context = { window?: LoadWindow };

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  requests: [
    {
      method: 'POST',
      path: loads[0]!.path,
      headers: loads[0]!.headers,
      setupRequest: (request, context: Context) => {
        const load = current;
        const index = next.get(load)!;
        next.set(load, index + 1);
        context.window = windows.at(-1)!;
        // autocannon sends a Buffer body as it is; its types say string
        return { ...request, path: load.path, headers: load.headers, body: load.bodies[index % load.bodies.length] as string };
      },
      onResponse: (status, body, context: Context) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        const window = context.window;
        if (window) window.requests += 1;
        // POST /events answers 202, Segment's routes 200
        if (status !== 202 && status !== 200) {
          if (window) window.failed += 1;
          return;
        }
        const ids = (JSON.parse(body) as { ids?: string[]; accepted: number }).ids;
        acceptedEvents += ids?.length ?? 0;
        if (window) window.acceptedEvents += ids?.length ?? 0;
        if (ids && spec.idsFile) {
          pendingIds.push(...ids);
          if (pendingIds.length > 10_000) flushIds();
        }
      },
    },
  ],
});
clearInterval(switching);
closeWindow();
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
  ...(spec.alternate ? { windows: windows.map(({ startedAt: _startedAt, cpuAtStart: _cpuAtStart, ...window }) => window) } : {}),
};
process.stdout.write(`${JSON.stringify(output)}\n`);
