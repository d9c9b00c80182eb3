import type { Logger } from '@argus/shared';

export type QueueMembers = { leader: string | null; members: string[] };

export type QueueLeaderWatch = {
  /** The queue's leader and members as last read; undefined until a read succeeded. */
  current(): QueueMembers | undefined;
  stop(): void;
};

/**
 * Reads which node leads the ingest queue from RabbitMQ's management API (AMQP does not tell), every
 * `intervalMs`, from the first of `urls` that answers: for the metrics, so that an operator sees
 * the leader move when a node fails. A node that stops answering keeps the last reading.
 */
export function watchQueueLeader(options: { urls: readonly string[]; vhost: string; queue: string; intervalMs: number; log: Logger }): QueueLeaderWatch {
  let last: QueueMembers | undefined;
  let reading = false;

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      for (const url of options.urls) {
        const members = await readFrom(url).catch(() => undefined);
        if (members) {
          last = members;
          return;
        }
      }
      options.log.debug('no management API answered about the ingest queue');
    } finally {
      reading = false;
    }
  }

  async function readFrom(base: string): Promise<QueueMembers> {
    const url = new URL(`api/queues/${encodeURIComponent(options.vhost)}/${encodeURIComponent(options.queue)}`, base.endsWith('/') ? base : `${base}/`);
    const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    const response = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(Math.min(options.intervalMs, 3000)) });
    if (!response.ok) throw new Error(`management API answered ${response.status}`);
    return queueMembers(await response.json());
  }

  const timer = setInterval(() => void read(), options.intervalMs);
  timer.unref();
  void read();
  return { current: () => last, stop: () => clearInterval(timer) };
}

/** The leader and members of a queue as the management API describes it: quorum queues name a `leader`, classic ones a `node`. */
export function queueMembers(body: unknown): QueueMembers {
  const queue = (body ?? {}) as { leader?: unknown; node?: unknown; members?: unknown };
  const leader = typeof queue.leader === 'string' ? queue.leader : typeof queue.node === 'string' ? queue.node : null;
  const members = Array.isArray(queue.members) ? queue.members.filter((member): member is string => typeof member === 'string') : leader ? [leader] : [];
  return { leader, members };
}
