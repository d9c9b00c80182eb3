import { baseConfigShape, destinationNetworkShape, loadConfig } from '@argus/shared';
import { z } from 'zod';

const int = () => z.coerce.number().int();

export const apiConfigShape = {
  ...baseConfigShape,
  ...destinationNetworkShape,
  PORT: int().min(0).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  /** Largest request body; bigger ones are refused with 413 before they are read whole. */
  MAX_BODY_BYTES: int().positive().default(1024 * 1024),
  MAX_EVENT_BYTES: int().positive().default(32 * 1024),
  MAX_BATCH_EVENTS: int().positive().default(500),
  /** Calls in one /v1/batch: Segment's SDKs send up to 2,500 (its 500 KB batch of small calls). */
  SEGMENT_MAX_BATCH_EVENTS: int().positive().default(2500),
  /** A compressed body may inflate to at most this many times its size (and MAX_BODY_BYTES in all). */
  MAX_EXPANSION_RATIO: int().positive().default(200),
  /** Largest body of POST /schemas/…: a schema is compiled as it arrives, and ajv's work grows with its size. */
  MAX_SCHEMA_BYTES: int().positive().default(256 * 1024),
  /**
   * Longest a schema may take to compile (on a thread of its own, so the api keeps answering
   * meanwhile); a slower one is refused. Ordinary schemas take milliseconds; what takes longer is
   * built to be costly (thousands of large patterns), and the worker would pay it too.
   */
  SCHEMA_COMPILE_BUDGET_MS: int().positive().default(1000),
  /**
   * Connections: every socket costs a file descriptor, and a client that opens them and sends
   * nothing must not run the process out of them. Full headers must arrive within
   * HTTP_HEADERS_TIMEOUT_MS (a socket that sends nothing included) and the whole request within
   * HTTP_REQUEST_TIMEOUT_MS, else 408 and closed; a kept-alive socket is closed after
   * HTTP_KEEP_ALIVE_TIMEOUT_MS between requests, any socket after HTTP_IDLE_TIMEOUT_MS with no
   * byte either way (longer than any answer takes); beyond MAX_CONNECTIONS new ones are closed at once.
   */
  HTTP_HEADERS_TIMEOUT_MS: int().positive().default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int().positive().default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int().positive().default(5000),
  HTTP_IDLE_TIMEOUT_MS: int().positive().default(60_000),
  MAX_CONNECTIONS: int().positive().default(5000),
  PUBLISH_CONFIRM_TIMEOUT_MS: int().positive().default(5000),
  /** Requests awaiting the broker's confirm beyond which new ones get 503 instead of piling up memory. */
  MAX_IN_FLIGHT_PUBLISHES: int().positive().default(20_000),
  /** Messages awaiting a confirm before concurrent requests start sharing the next message. */
  MAX_MESSAGES_IN_FLIGHT: int().positive().default(4),
  /**
   * Ready messages in the ingest queue at which POST /events answers 503 (broker_backlog) instead of
   * publishing: when the workers are down or behind, clients wait and retry rather than filling the
   * broker's disk until its alarm blocks every publisher. A message holds one request or several.
   */
  INGEST_QUEUE_MAX_DEPTH: int().positive().default(1_000_000),
  /** How often the api reads the ingest queue's depth (a passive declare; never per request). */
  INGEST_QUEUE_CHECK_MS: int().positive().default(1000),
  /**
   * RabbitMQ's management API (`http://user:password@host:15672`, a comma-separated list for a
   * cluster's nodes), read every INGEST_QUEUE_CHECK_MS × 5 for the ingest queue's leader; without
   * it the leader gauge is absent.
   */
  RABBITMQ_MANAGEMENT_URL: z
    .string()
    .transform((list) => list.split(',').map((url) => url.trim()).filter((url) => url !== ''))
    .pipe(z.array(z.url({ protocol: /^https?$/ })))
    .default([]),
  /** How long start-up waits for the broker before serving anyway (answering 503 until it comes). */
  BROKER_STARTUP_WAIT_MS: int().nonnegative().default(5000),
  RETRY_AFTER_SECONDS: int().positive().default(5),
  /** How often revoked token ids are reloaded: a revocation takes effect within this time. */
  REVOCATION_REFRESH_MS: int().positive().default(2000),
  /** Connections for token revocations, reads (GET /events…) and /ready. */
  DB_POOL_SIZE: int().positive().default(5),
  /** How long /ready waits for PostgreSQL to answer before calling it unreachable. */
  READY_TIMEOUT_MS: int().positive().default(1000),
};

export const loadApiConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(apiConfigShape, ['JWT_SECRET'], env);
export type ApiConfig = ReturnType<typeof loadApiConfig>;
