import { batchBody, batchBytes, takeBatch } from './batch.js';
import { ArgusDeliveryError, ArgusEventError, ArgusRequestError, type ArgusError } from './errors.js';
import type { TrackedEvent } from './event-kinds.js';
import { EventQueue, type DropPolicy } from './event-queue.js';
import { watchLifecycle } from './lifecycle.js';
import { prepareEvent, type QueuedEvent } from './prepare-event.js';
import { defaultRetryPolicy, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { createTransport, type Transport } from './transport.js';

export type DroppedEvents = { eventIds: string[]; reason: 'queue_full' };

export type ArgusClientOptions = {
  /** Where the Argus api listens, e.g. `https://argus.example.com`. */
  baseUrl: string;
  /** An application token with the `write` scope. */
  token: string;
  /** Send as soon as this many events wait (at most the server's 500). Default 100. */
  maxBatchEvents?: number;
  /** …or once the oldest waiting event has waited this long. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Events kept while they cannot be sent; beyond it `dropPolicy` decides. Default 10,000. */
  maxQueueEvents?: number;
  /** When the queue is full: drop the `oldest` waiting event (default) or the `newest`, the one being tracked. */
  dropPolicy?: DropPolicy;
  retry?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  /** The server's limits; lower them to match a server configured below its defaults. */
  maxEventBytes?: number;
  maxBodyBytes?: number;
  /** A batch the server refused (4xx) or that still failed after the last retry. Default: console.error. */
  onError?: (error: ArgusError) => void;
  /** Events dropped because the queue was full. Default: console.warn, at most once every 10 s. */
  onDrop?: (dropped: DroppedEvents) => void;
  /** Another fetch, e.g. one that adds instrumentation. Default: the global fetch. */
  fetch?: typeof fetch;
};

export type ArgusClientStats = { queued: number; inFlight: number; accepted: number; failed: number; dropped: number; requests: number };

const serverLimits = { maxBatchEvents: 500, maxEventBytes: 32 * 1024, maxBodyBytes: 1024 * 1024 };
// browsers allow keepalive requests only up to 64 KiB in flight
const keepaliveBodyBytes = 64 * 1024;

/**
 * Queues events and sends them to Argus in batches, one request at a time (so a session's events
 * leave in order), retrying what may pass later with the same event ids so the server stores each once.
 */
export class ArgusClient {
  private readonly queue: EventQueue;
  private readonly transport: Transport;
  private readonly maxBatchEvents: number;
  private readonly flushIntervalMs: number;
  private readonly maxEventBytes: number;
  private readonly maxBodyBytes: number;
  private readonly retry: RetryPolicy;
  private readonly onError: (error: ArgusError) => void;
  private readonly onDrop: (dropped: DroppedEvents) => void;
  private readonly unwatchLifecycle: () => void;

  private lastSeq = 0;
  private inFlight: QueuedEvent[] | undefined;
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pageHidden = false;
  private closed = false;
  private flushWaiters: { upToSeq: number; resolve: () => void }[] = [];
  private readonly counts = { accepted: 0, failed: 0, dropped: 0, requests: 0 };

  constructor(options: ArgusClientOptions) {
    this.maxBatchEvents = checkedLimit('maxBatchEvents', options.maxBatchEvents ?? 100);
    this.flushIntervalMs = checkedLimit('flushIntervalMs', options.flushIntervalMs ?? 1000, 0);
    this.maxEventBytes = checkedLimit('maxEventBytes', options.maxEventBytes ?? serverLimits.maxEventBytes);
    this.maxBodyBytes = checkedLimit('maxBodyBytes', options.maxBodyBytes ?? serverLimits.maxBodyBytes);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    checkedLimit('retry.maxAttempts', this.retry.maxAttempts);
    this.queue = new EventQueue(checkedLimit('maxQueueEvents', options.maxQueueEvents ?? 10_000), options.dropPolicy ?? 'oldest');
    this.onError = options.onError ?? ((error) => console.error(error));
    this.onDrop = options.onDrop ?? warnOfDrops();
    this.transport = createTransport({
      baseUrl: options.baseUrl,
      token: options.token,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      requestTimeoutMs: checkedLimit('requestTimeoutMs', options.requestTimeoutMs ?? 10_000),
    });
    if (this.maxBatchEvents > serverLimits.maxBatchEvents) throw new RangeError(`maxBatchEvents may be at most ${serverLimits.maxBatchEvents}`);
    this.unwatchLifecycle = watchLifecycle({
      beforeExit: () => void this.flush(),
      pageHidden: (hidden) => {
        this.pageHidden = hidden;
        this.sendWhenDue();
      },
    });
  }

  /**
   * Queues the event and returns its id at once. Throws an ArgusEventError for an event the server
   * would refuse (too large, not JSON, an eventId that is not a UUID) or after close().
   */
  track<C extends string, N extends string>(event: TrackedEvent<C, N>): string {
    if (this.closed) throw new ArgusEventError('client_closed', 'this Argus client is closed');
    const queued = prepareEvent(event, this.lastSeq + 1, this.maxEventBytes);
    this.lastSeq = queued.seq;
    const dropped = this.queue.push(queued);
    if (dropped.length > 0) this.reportDropped(dropped);
    this.sendWhenDue();
    return queued.id;
  }

  /**
   * Sends everything tracked so far without waiting for the batch interval. Resolves once each of
   * those events is accepted, or reported through onError (refused, given up) or onDrop.
   */
  flush(): Promise<void> {
    const upToSeq = this.lastSeq;
    if (this.settledUpTo(upToSeq)) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ upToSeq, resolve });
      this.sendWhenDue();
    });
  }

  /** Refuses further events, flushes the rest and stops listening for process or page events. */
  async close(): Promise<void> {
    this.closed = true;
    this.unwatchLifecycle();
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get stats(): ArgusClientStats {
    return { queued: this.queue.length, inFlight: this.inFlight?.length ?? 0, ...this.counts };
  }

  private settledUpTo(seq: number): boolean {
    const oldest = this.inFlight?.[0] ?? this.queue.peek();
    return oldest === undefined || oldest.seq > seq;
  }

  private resolveSettledFlushes(): void {
    this.flushWaiters = this.flushWaiters.filter((waiter) => {
      if (!this.settledUpTo(waiter.upToSeq)) return true;
      waiter.resolve();
      return false;
    });
  }

  private isDue(): boolean {
    const oldest = this.queue.peek();
    if (!oldest) return false;
    return (
      this.queue.length >= this.maxBatchEvents ||
      this.closed ||
      this.pageHidden ||
      this.flushWaiters.some((waiter) => waiter.upToSeq >= oldest.seq) ||
      Date.now() - oldest.queuedAt >= this.flushIntervalMs
    );
  }

  private sendWhenDue(): void {
    if (this.sending) return; // the send loop looks again after each batch
    if (this.isDue()) void this.sendWhileDue();
    else this.armTimer();
  }

  private armTimer(): void {
    const oldest = this.queue.peek();
    if (!oldest || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendWhenDue();
    }, Math.max(0, oldest.queuedAt + this.flushIntervalMs - Date.now()));
    // an idle client must not keep Node running; beforeExit flushes what is left
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async sendWhileDue(): Promise<void> {
    this.sending = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      while (this.isDue()) {
        // taken off the queue before the first await, so a full batch frees its room at once
        const batch = takeBatch(this.queue, {
          maxEvents: this.maxBatchEvents,
          maxBodyBytes: this.pageHidden ? Math.min(this.maxBodyBytes, keepaliveBodyBytes) : this.maxBodyBytes,
        });
        this.inFlight = batch;
        await this.deliver(batch);
        this.inFlight = undefined;
        this.resolveSettledFlushes();
      }
    } finally {
      this.sending = false;
    }
    this.armTimer();
  }

  /** Sends one batch until it is accepted, refused, or out of attempts; never throws. */
  private async deliver(batch: QueuedEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      this.counts.requests += 1;
      // sent_at is this attempt's: the server measures the skew against the moment it receives it
      const outcome = await this.transport(batchBody(batch, new Date()), { keepalive: batchBytes(batch) <= keepaliveBodyBytes });
      if (outcome.kind === 'accepted') {
        this.counts.accepted += batch.length;
        return;
      }
      if (outcome.kind === 'refused') return this.fail(batch, new ArgusRequestError(outcome.status, outcome.error, idsOf(batch)));
      if (attempt >= this.retry.maxAttempts) return this.fail(batch, new ArgusDeliveryError(attempt, outcome.reason, idsOf(batch)));
      await sleep(retryDelayMs(attempt, outcome.retryAfterMs, this.retry));
    }
  }

  private fail(batch: QueuedEvent[], error: ArgusError): void {
    this.counts.failed += batch.length;
    callSafely(() => this.onError(error));
  }

  private reportDropped(dropped: QueuedEvent[]): void {
    this.counts.dropped += dropped.length;
    callSafely(() => this.onDrop({ eventIds: idsOf(dropped), reason: 'queue_full' }));
    this.resolveSettledFlushes();
  }
}

const idsOf = (events: readonly QueuedEvent[]) => events.map((event) => event.id);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The default onDrop: a full queue drops on every track(), so it warns of the first drop at once and
 * then sums the rest into at most one warning every 10 s rather than one line per event.
 */
function warnOfDrops(intervalMs = 10_000): (dropped: DroppedEvents) => void {
  let unreported = 0;
  let lastWarnedAt = -Infinity;
  return (dropped) => {
    unreported += dropped.eventIds.length;
    if (Date.now() - lastWarnedAt < intervalMs) return;
    console.warn(`Argus dropped ${unreported} events: its queue is full (maxQueueEvents; see onDrop and stats.dropped)`);
    unreported = 0;
    lastWarnedAt = Date.now();
  };
}

/** A throwing callback must not stop delivery of the events after it. */
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    console.error(error);
  }
}

function checkedLimit(name: string, value: number, minimum = 1): number {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${name} must be an integer ≥ ${minimum}, not ${value}`);
  return value;
}
