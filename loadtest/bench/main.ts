import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import amqp from 'amqplib';
import pg from 'pg';
import {
  createDataSource,
  deleteDeliveryQueues,
  deleteTopology,
  encodeIngestMessage,
  encodeIngestRequest,
  findOrCreateApplication,
  issueToken,
  migrate,
  topologyFor,
} from '@argus/shared';
import { measureConcurrentConfirms, measureConfirmedPublish, measureMultiRowInsert } from './baselines.js';
import { measureDelivery, type DeliveryBench } from './delivery.js';
import { measureDeadDestination } from './isolation.js';
import type { AlternateLoad, LoadResult, LoadSpec } from './http-load.js';
import { compareSegmentCycles, quantile, type SegmentComparison } from './segment-comparison.js';
import { cpuSecondsOf, firstLine, freePort, repositoryRoot, runNode, startNode, waitForHealth, waitUntil, type Running } from './processes.js';
import { machine, markdownTable, type Row } from './report.js';
import { requestBodies, segmentAndArgusBodies } from './sample-events.js';

/**
 * `make bench`: the machine's own limits and the service measured against them, in one run.
 * Every service figure is printed as a ratio to its baseline from the same run.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const batchSeconds = Number(process.env.BENCH_BATCH_SECONDS ?? 4);
/** `BENCH_ONLY=segment` runs only the Segment rows (see segmentOnly). */
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== '' && only !== 'segment') throw new Error(`BENCH_ONLY may be "segment", not "${only}"`);
/** The Segment rows: POST /events, /v1/batch plain and gzip take turns of this long, for this long in all. */
const segmentWindowMs = Number(process.env.BENCH_SEGMENT_WINDOW_MS ?? 250);
const segmentSeconds = Number(process.env.BENCH_SEGMENT_SECONDS ?? (only ? 30 : 18));
const sustainedSeconds = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 60);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const amqpUrl = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const connections = 50;
/** The machine's load average when the bench started: its figures are only comparable on a quiet machine. */
const startLoad = loadavg();

const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const databaseUrl = Object.assign(new URL(postgresUrl), { pathname: `/argus_bench_${runId}` }).toString();
const prefix = `argus-bench-${runId}`;
const topology = topologyFor({ AMQP_PREFIX: prefix, AMQP_DELIVERY_LIMIT: 10 });
const secret = randomBytes(32).toString('base64url');
// production settings, but the webhook receivers of the delivery steps are on this machine
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  AMQP_URL: amqpUrl,
  AMQP_PREFIX: prefix,
  JWT_SECRET: secret,
  DESTINATION_ALLOW_PRIVATE_NETWORKS: 'true',
};
const work = mkdtempSync(join(tmpdir(), 'argus-bench-'));
const steps = only ? 2 : 13;
/** The worker's default DELIVERY_CONCURRENCY, which the delivery baseline matches. */
const deliveryConcurrency = 16;
const deliveryEvents = Number(process.env.BENCH_DELIVERY_EVENTS ?? 20_000);
let step = 0;
const progress = (text: string) => process.stderr.write(`[${++step}/${steps}] ${text}\n`);

const bodyFile = (name: string, bodies: string[]) => {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  return file;
};
const singleBodies = bodyFile('single', requestBodies(5000, 1));
const batchBodies = bodyFile('batch', requestBodies(200, 100));
const sameEvents = segmentAndArgusBodies(200, 100);
const segmentBodies = bodyFile('segment', sameEvents.segment);
const segmentGzipBodies = bodyFile('segment-gzip', sameEvents.segment.map((body) => gzipSync(body).toString('base64')));
const argusTwinBodies = bodyFile('argus-twin', sameEvents.argus);
const idsFiles: string[] = [];

async function load(spec: Omit<LoadSpec, 'connections' | 'durationSeconds'> & Partial<LoadSpec>, collectIds = true): Promise<LoadResult> {
  const idsFile = collectIds ? join(work, `ids-${idsFiles.length}.txt`) : undefined;
  if (idsFile) idsFiles.push(idsFile);
  const full: LoadSpec = { connections, durationSeconds: seconds, ...spec, ...(idsFile ? { idsFile } : {}) };
  return JSON.parse(await runNode('loadtest/dist/bench/http-load.js', [JSON.stringify(full)])) as LoadResult;
}

const db = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'argus-bench' });
const rows: Row[] = [];
const checks: Record<string, unknown> = {};
const running: { stop(): Promise<void> }[] = [];
let delivery: DeliveryBench | undefined;
let besideSlow: DeliveryBench | undefined;

try {
  await migrate(databaseUrl);
  await db.initialize();
  const application = await findOrCreateApplication(db, { name: 'bench', email: 'bench@example.com' });
  const { token } = await issueToken(db, secret, { applicationId: application.id, scopes: ['write'] });
  if (only === 'segment') await segmentOnly(token);
  else await fullBench(application, token);
} finally {
  for (const process of running.reverse()) await process.stop().catch(() => undefined);
  await cleanUp();
}

/** Every figure of the README's table, then the loss check. */
async function fullBench(application: { id: string }, token: string): Promise<void> {

  progress(`baseline: bare node:http answering 202, ${connections} connections, ${seconds} s`);
  const bare = startNode('loadtest/dist/bench/bare-server.js');
  const barePort = await firstLine(bare);
  const bareLoad = await load({ url: `http://127.0.0.1:${barePort}`, bodiesFile: singleBodies }, false);
  await bare.stop();

  progress('baseline: confirmed publishing to a quorum queue (confirms pipelined)');
  const sampleMessage = encodeIngestMessage([
    encodeIngestRequest({ application_id: application.id, request_id: 'baseline', received_at: new Date().toISOString() }, [
      { id: application.id, json: (JSON.parse(readFileSync(singleBodies, 'utf8')) as string[])[0]! },
    ]),
  ]);
  const publishRate = await measureConfirmedPublish(amqpUrl, topology, sampleMessage, 30_000);
  const concurrentConfirmRate = await measureConcurrentConfirms(amqpUrl, topology, sampleMessage, connections, 5);

  progress('baseline: PostgreSQL multi-row INSERT of event rows');
  const insertRate = await measureMultiRowInsert(db, 100_000);

  progress(`service: single-event posts, ${connections} connections, ${seconds} s (worker stopped: the queue fills)`);
  const apiPort = await freePort();
  const api = startNode('api/dist/main.js', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  running.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForHealth(`${apiUrl}/health`);
  const single = await load({ url: apiUrl, token, bodiesFile: singleBodies });

  // shorter than the others: every event accepted here must be drained in the next step
  progress(`service: batches of 100 events, ${connections} connections, ${batchSeconds} s`);
  const batch = await load({ url: apiUrl, token, bodiesFile: batchBodies, durationSeconds: batchSeconds });

  progress(`service: Segment /v1/batch of 100 calls, plain and gzip, against POST /events with the same events, turns of ${segmentWindowMs / 1000} s for ${segmentSeconds} s`);
  const segment = await compareSegment(api, apiUrl, token, true);

  progress('worker: draining the full queue');
  const queued = single.acceptedEvents + batch.acceptedEvents + segment.load.acceptedEvents;
  checks.segmentRatios = segment.ratios;
  const workerMetricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
  const worker = startNode('worker/dist/main.js', { ...env, WORKER_METRICS_PORT: new URL(workerMetricsUrl).port, WORKER_METRICS_HOST: '127.0.0.1' });
  running.push(worker);
  const drainRate = await measureDrain(queued);
  const drainSteps = await stepSeconds(workerMetricsUrl);

  progress(`end to end: 1,000 single-event posts per second for ${seconds} s`);
  const e2eStarted = new Date();
  const e2e = await load({ url: apiUrl, token, bodiesFile: singleBodies, overallRate: 1000 });
  await waitStored(queued + e2e.acceptedEvents);
  const [latency] = (await db.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM (SELECT extract(epoch FROM stored_at - received_at) * 1000 AS ms FROM events WHERE received_at >= $1
           UNION ALL SELECT extract(epoch FROM stored_at - received_at) * 1000 FROM event_errors WHERE received_at >= $1) AS latencies`,
    [e2eStarted],
  )) as { p50: number; p99: number }[];

  progress(`sustained: 10,000 events/s (100 batches of 100) for ${sustainedSeconds} s, watching the queue depth`);
  const depthSamples: number[] = [];
  const sampling = sampleQueueDepth(depthSamples);
  const sustained = await load({ url: apiUrl, token, bodiesFile: batchBodies, overallRate: 100, durationSeconds: sustainedSeconds, connections: 20 });
  sampling.stop();
  const total = queued + e2e.acceptedEvents + sustained.acceptedEvents;
  await waitStored(total);

  const isolationRate = 2000;
  progress(`isolation: ${isolationRate.toLocaleString('en-US')} single-event posts per second for ${seconds} s without a destination, with one whose receiver is down, and without again`);
  const dead = await measureDeadDestination({ db, amqpUrl, topology, load: () => load({ url: apiUrl, token, bodiesFile: singleBodies, overallRate: isolationRate }) });
  const isolationAccepted = dead.without[0].acceptedEvents + dead.withDead.acceptedEvents + dead.without[1].acceptedEvents;
  await waitStored(total + isolationAccepted);
  const withoutDead = (figure: (result: LoadResult) => number) => (figure(dead.without[0]) + figure(dead.without[1])) / 2;

  progress(`delivery: ${deliveryEvents.toLocaleString('en-US')} stored events to a local webhook receiver, against fetch in ${deliveryConcurrency} loops to it`);
  const deliveryOptions = { db, amqpUrl, topology, apiUrl, jwtSecret: secret, concurrency: deliveryConcurrency, events: deliveryEvents, baselineSeconds: 5 };
  delivery = await measureDelivery({ ...deliveryOptions, applicationName: 'bench-delivery' });

  progress('delivery again, next to a destination whose receiver answers after 5 s');
  const slowReceiver = startNode('loadtest/dist/bench/webhook-receiver.js', {}, ['5000']);
  running.push(slowReceiver);
  besideSlow = await measureDelivery({ ...deliveryOptions, applicationName: 'bench-delivery-beside-slow', neighbourUrl: `http://127.0.0.1:${await firstLine(slowReceiver)}/hook` });

  progress('loss check: every id answered 202 is stored exactly once');
  await api.stop();
  await worker.stop();
  Object.assign(checks, await lossCheck(total + isolationAccepted + delivery.accepted + besideSlow.accepted));

  rows.push(
    { figure: 'bare node:http, 202 (baseline)', value: bareLoad.requestsPerSecond, unit: 'req/s' },
    { figure: 'confirmed publish, quorum queue, pipelined (baseline)', value: publishRate, unit: 'msg/s' },
    { figure: `confirmed publish, ${connections} publishers each awaiting its confirm (baseline)`, value: concurrentConfirmRate, unit: 'msg/s' },
    { figure: 'PostgreSQL multi-row INSERT (baseline)', value: insertRate, unit: 'rows/s' },
    { figure: 'single-event posts accepted', value: single.requestsPerSecond, unit: 'req/s', baseline: { name: 'bare node:http', value: bareLoad.requestsPerSecond }, target: '≥ 40 %' },
    { figure: 'single-event posts accepted, against the confirm bound', value: single.requestsPerSecond, unit: 'req/s', baseline: { name: `${connections} confirm waiters`, value: concurrentConfirmRate } },
    { figure: 'single-event posts latency p50', value: single.latencyP50, unit: 'ms', baseline: { name: 'bare p50', value: bareLoad.latencyP50 } },
    { figure: 'single-event posts latency p99', value: single.latencyP99, unit: 'ms', baseline: { name: 'bare p99', value: bareLoad.latencyP99 }, target: '< 50 ms' },
    { figure: 'batched posts (100 events) accepted', value: batch.acceptedEvents / batchSeconds, unit: 'events/s', baseline: { name: 'confirmed publish', value: publishRate }, target: '≥ 40,000 events/s' },
    { figure: 'batched posts latency p99', value: batch.latencyP99, unit: 'ms' },
    ...segmentRows(segment),
    { figure: 'worker drain from a full queue', value: drainRate, unit: 'events/s', baseline: { name: 'multi-row INSERT', value: insertRate }, target: '≥ 50 %' },
    {
      // every drained event costs a row inserted and a message published and confirmed, on the same cores
      figure: 'worker drain, against INSERT and confirmed publish of each event in turn',
      value: drainRate,
      unit: 'events/s',
      baseline: { name: 'INSERT then publish', value: 1 / (1 / insertRate + 1 / publishRate) },
    },
    ...stepRows(drainSteps, queued),
    { figure: 'end to end (received → stored) p50 at 1,000 events/s', value: latency!.p50, unit: 'ms' },
    { figure: 'end to end (received → stored) p99 at 1,000 events/s', value: latency!.p99, unit: 'ms', target: '< 1,000 ms' },
    { figure: `sustained 10,000 events/s for ${sustainedSeconds} s: events accepted/s`, value: sustained.acceptedEvents / sustainedSeconds, unit: 'events/s' },
    { figure: `sustained: largest queue depth (sampled each second)`, value: Math.max(0, ...depthSamples), unit: 'messages', target: 'bounded' },
    { figure: `webhook receiver hit directly, fetch in ${deliveryConcurrency} loops (baseline)`, value: delivery.directPerSecond, unit: 'req/s' },
    {
      figure: `delivery to a webhook destination from a full queue (${delivery.delivered.toLocaleString('en-US')} events)`,
      value: delivery.deliveriesPerSecond,
      unit: 'deliveries/s',
      baseline: { name: 'receiver hit directly', value: delivery.directPerSecond },
    },
    {
      figure: 'the same, next to a destination whose receiver answers after 5 s',
      value: besideSlow.deliveriesPerSecond,
      unit: 'deliveries/s',
      baseline: { name: 'running alone', value: delivery.deliveriesPerSecond },
      target: '≥ 80 %',
    },
    {
      figure: `single-event posts at ${isolationRate.toLocaleString('en-US')}/s, latency p97.5, no destination (baseline: the mean of a run before and one after)`,
      value: withoutDead((result) => result.latencyP97_5),
      unit: 'ms',
    },
    {
      figure: 'the same with one destination whose receiver is down (connection refused)',
      value: dead.withDead.latencyP97_5,
      unit: 'ms',
      baseline: { name: 'no destination', value: withoutDead((result) => result.latencyP97_5) },
      target: '≤ 125 %',
    },
    { figure: 'the same, latency p99', value: dead.withDead.latencyP99, unit: 'ms', baseline: { name: 'no destination', value: withoutDead((result) => result.latencyP99) } },
    {
      figure: 'rows written to delivery_backlog for the dead destination',
      value: dead.backlogRows,
      unit: 'rows',
      baseline: { name: 'events posted meanwhile', value: dead.withDead.acceptedEvents },
      target: 'not per event',
    },
    {
      figure: 'failed delivery attempts to the dead destination',
      value: dead.failedAttempts,
      unit: 'attempts',
      baseline: { name: 'events posted meanwhile', value: dead.withDead.acceptedEvents },
      target: 'not per event',
    },
  );
  checks.failedRequests = {
    single: failed(single),
    batch: failed(batch),
    segment: failed(segment.load),
    e2e: failed(e2e),
    sustained: failed(sustained),
    isolationWithout: failed(dead.without[0]) + failed(dead.without[1]),
    isolationWithDead: failed(dead.withDead),
  };
  report();
}

// POST /events answers 202, Segment's routes 200 (functions, not constants: the run above calls them before this line)
function accepted(result: LoadResult): number {
  return (result.statuses['202'] ?? 0) + (result.statuses['200'] ?? 0);
}
function failed(result: LoadResult): number {
  return result.requests - accepted(result) + result.errors;
}

/**
 * The Segment rows: POST /events, /v1/batch plain and gzip carrying the same events, taking turns of
 * `segmentWindowMs` on the same connections in one load (segment-comparison.ts). `collectIds`: the
 * accepted ids go to the loss check, and the events stay queued for the worker's drain; a
 * Segment-only run empties the queue every few seconds instead.
 */
async function compareSegment(api: Running, apiUrl: string, token: string, collectIds: boolean, durationSeconds = segmentSeconds): Promise<SegmentComparison> {
  const loads: AlternateLoad[] = [
    { name: 'twin', bodiesFile: argusTwinBodies },
    { name: 'plain', bodiesFile: segmentBodies, path: '/v1/batch' },
    { name: 'gzip', bodiesFile: segmentGzipBodies, base64Bodies: true, path: '/v1/batch', headers: { 'content-encoding': 'gzip' } },
  ];
  let purging: NodeJS.Timeout | undefined;
  if (!collectIds) purging = setInterval(() => void purgeIngestQueue().catch(() => undefined), 5000);
  try {
    const result = await load(
      { url: apiUrl, token, bodiesFile: argusTwinBodies, durationSeconds, alternate: { loads, windowMs: segmentWindowMs, cpuPid: api.child.pid } },
      collectIds,
    );
    return compareSegmentCycles(result, segmentWindowMs / 1000);
  } finally {
    clearInterval(purging);
  }
}

function segmentRows(comparison: SegmentComparison): Row[] {
  const cycles = `taking turns of ${comparison.windowSeconds} s, median of ${comparison.cycles.length} cycles`;
  const row = (encoding: 'plain' | 'gzip'): Row => ({
    figure: `Segment /v1/batch of 100 calls, ${encoding}, accepted (ratio: median of each cycle's against POST /events of that cycle)`,
    value: comparison.rate[encoding],
    unit: 'events/s',
    baseline: { name: 'POST /events, same events', value: comparison.rate.twin },
    ratio: comparison.ratio[encoding],
    target: '≥ 80 %',
  });
  const cpu = comparison.apiCpuMicrosecondsPerEvent;
  const cpuRow = (encoding: 'plain' | 'gzip'): Row => ({
    figure: `Segment /v1/batch, ${encoding}: the api's CPU time per event (all its turns)`,
    value: cpu![encoding],
    unit: 'µs/event',
    baseline: { name: 'POST /events, same events', value: cpu!.twin },
  });
  return [
    { figure: `POST /events, batches of the 100 events below (baseline; the three ${cycles})`, value: comparison.rate.twin, unit: 'events/s' },
    row('plain'),
    row('gzip'),
    ...(cpu ? [cpuRow('plain'), cpuRow('gzip')] : []),
  ];
}

/**
 * `BENCH_ONLY=segment`: the Segment rows alone, on the api alone (no worker, no loss check), after
 * a warm-up cycle that is not counted; the ingest queue is emptied every few seconds.
 */
async function segmentOnly(token: string): Promise<void> {
  progress(`service: the api alone, warmed up with one cycle of the loads`);
  const apiPort = await freePort();
  const api = startNode('api/dist/main.js', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
  running.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForHealth(`${apiUrl}/health`);
  await compareSegment(api, apiUrl, token, false, (4 * segmentWindowMs) / 1000);
  progress(`service: Segment /v1/batch of 100 calls, plain and gzip, against POST /events with the same events, turns of ${segmentWindowMs / 1000} s for ${segmentSeconds} s`);
  const comparison = await compareSegment(api, apiUrl, token, false);
  rows.push(...segmentRows(comparison));
  checks.segmentRatios = comparison.ratios;
  checks.failedRequests = { segment: failed(comparison.load) };
  report();
}

async function purgeIngestQueue(): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await channel.purgeQueue(topology.ingestQueue);
  } finally {
    await connection.close();
  }
}

async function storedCount(): Promise<number> {
  const [row] = (await db.query('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM event_errors) AS stored')) as { stored: string }[];
  return Number(row!.stored);
}

function waitStored(expected: number): Promise<void> {
  return waitUntil(async () => (await storedCount()) >= expected, `${expected} events to be stored`, 600_000, 200);
}

async function measureDrain(expected: number): Promise<number> {
  let first = 0;
  await waitUntil(async () => (first = await storedCount()) > 0, 'the worker to store its first events', 60_000, 20);
  const started = performance.now();
  await waitStored(expected);
  return (expected - first) / ((performance.now() - started) / 1000);
}

/** Seconds the worker spent in each pipeline step so far, from its /metrics. */
async function stepSeconds(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const sums = [...text.matchAll(/^argus_worker_step_seconds_sum\{step="(\w+)"\} (\S+)$/gm)];
  return new Map(sums.map(([, step, seconds]) => [step!, Number(seconds)]));
}

/** One row a step: its time per drained event, and its share of the time in all steps. */
function stepRows(steps: Map<string, number>, events: number): Row[] {
  const total = [...steps.values()].reduce((sum, seconds) => sum + seconds, 0);
  return [...steps].map(([step, seconds]) => ({
    figure: `worker drain, step ${step} (${Math.round((seconds / total) * 100)} % of the steps' time)`,
    value: (seconds * 1e6) / events,
    unit: 'µs/event',
  }));
}

function sampleQueueDepth(samples: number[]): { stop(): void } {
  let stopped = false;
  (async () => {
    const connection = await amqp.connect(amqpUrl);
    const channel = await connection.createChannel();
    while (!stopped) {
      samples.push((await channel.checkQueue(topology.ingestQueue)).messageCount);
      await sleep(1000);
    }
    await connection.close();
  })().catch((error: unknown) => process.stderr.write(`queue depth sampling stopped: ${String(error)}\n`));
  return { stop: () => void (stopped = true) };
}

async function lossCheck(expectedTotal: number) {
  const ids = idsFiles.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean));
  await db.query('CREATE TABLE accepted_ids (id uuid)');
  for (let start = 0; start < ids.length; start += 50_000) {
    await db.query('INSERT INTO accepted_ids SELECT unnest($1::uuid[])', [ids.slice(start, start + 50_000)]);
  }
  const [result] = (await db.query(
    `WITH stored AS (SELECT id FROM events UNION ALL SELECT event_id FROM event_errors)
     SELECT (SELECT count(*) FROM accepted_ids a WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.id = a.id)) AS lost,
            (SELECT count(*) FROM (SELECT id FROM stored GROUP BY id HAVING count(*) > 1) d) AS duplicates,
            (SELECT count(*) FROM stored) AS stored,
            (SELECT count(*) FROM event_errors) AS invalid`,
  )) as { lost: string; duplicates: string; stored: string; invalid: string }[];
  return {
    acceptedIds: ids.length,
    expectedTotal,
    stored: Number(result!.stored),
    invalid: Number(result!.invalid),
    lost: Number(result!.lost),
    duplicates: Number(result!.duplicates),
  };
}

function report(): void {
  const table = markdownTable(rows);
  const ratios = checks.segmentRatios as Record<string, number[]> | undefined;
  const spread = (values: number[]) => {
    const [low, middle, high] = [0.25, 0.5, 0.75].map((share) => quantile(values, share));
    return `${Math.round(middle! * 100)} % (quartiles ${Math.round(low! * 100)}–${Math.round(high! * 100)} %)`;
  };
  const segmentSummary = ratios ? `Segment, the cycles' ratios to POST /events: plain ${spread(ratios.plain!)}, gzip ${spread(ratios.gzip!)} over ${ratios.plain!.length} cycles` : '';
  const summary = only
    ? segmentSummary
    : `${segmentSummary}\n\nlost = ${String(checks.lost)}, duplicates = ${String(checks.duplicates)} (of ${String(checks.acceptedIds)} accepted ids; ${String(checks.invalid)} of them invalid by design, kept in event_errors)`;
  const when = new Date().toISOString();
  const averages = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  const load = `load average ${averages(startLoad)} at the start, ${averages(loadavg())} at the end`;
  const markdown = `Measured ${when.slice(0, 10)} on ${machine()}; load from autocannon in its own process on the same machine; ${load}.\n\n${table}\n\n${summary}\n`;
  const resultsDir = join(repositoryRoot, 'loadtest', 'results');
  const name = only ? `bench-${only}` : 'bench';
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${name}-${when.replaceAll(':', '-')}.json`), JSON.stringify({ when, machine: machine(), rows, checks }, null, 2));
  writeFileSync(join(resultsDir, `${name}.md`), markdown);
  process.stdout.write(`\n${markdown}\nfailed requests: ${JSON.stringify(checks.failedRequests)}\nresults: loadtest/results/${name}.md\n`);
}

async function cleanUp(): Promise<void> {
  // destination queues are named by id, which only the database knows
  const destinations = ((await db.query('SELECT id FROM destinations').catch(() => [])) as { id: string }[]).map((row) => row.id);
  await db.destroy().catch(() => undefined);
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(`argus_bench_${runId}`)} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  await deleteDeliveryQueues(channel, topology, destinations, 16).catch(() => undefined);
  await deleteTopology(channel, topology).catch(() => undefined);
  await connection.close().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}
