import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from '@argus/shared';

export type IngestBacklog = {
  /** The depth last read, when it was at or over the limit; undefined otherwise. */
  overLimit(): number | undefined;
  /** The depth last read; undefined when the last read failed. */
  depth(): number | undefined;
  stop(): void;
};

export type IngestBacklogOptions = {
  /** The publisher's current connection, if any. */
  connection: () => ChannelModel | undefined;
  queue: string;
  maxDepth: number;
  intervalMs: number;
  log: Logger;
};

/**
 * Reads the ingest queue's depth with a passive declare every `intervalMs`, on a channel of its own,
 * so that no request waits for it. A depth it cannot read (no broker, no queue) counts as under the
 * limit: publishing then fails or succeeds on its own terms.
 */
export function watchIngestBacklog(options: IngestBacklogOptions): IngestBacklog {
  const { log } = options;
  let channel: { model: ChannelModel; channel: Channel } | undefined;
  let over: number | undefined;
  let last: number | undefined;
  let checking = false;

  function record(depth: number | undefined): void {
    last = depth;
    const next = depth !== undefined && depth >= options.maxDepth ? depth : undefined;
    if (next !== undefined && over === undefined) {
      log.warn({ depth, maxDepth: options.maxDepth }, 'the ingest queue is over its depth limit; refusing events until the workers catch up');
    } else if (next === undefined && over !== undefined) log.info({ depth }, 'the ingest queue is under its depth limit again');
    over = next;
  }

  async function openChannel(model: ChannelModel): Promise<Channel> {
    if (channel?.model === model) return channel.channel;
    const opened = await model.createChannel();
    // a missing queue closes the channel (404); the next check opens another
    opened.on('error', () => {});
    opened.on('close', () => {
      if (channel?.channel === opened) channel = undefined;
    });
    channel = { model, channel: opened };
    return opened;
  }

  async function check(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const model = options.connection();
      record(model ? (await (await openChannel(model)).checkQueue(options.queue)).messageCount : undefined);
    } catch {
      record(undefined);
    } finally {
      checking = false;
    }
  }

  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  void check();
  return {
    overLimit: () => over,
    depth: () => last,
    stop: () => clearInterval(timer),
  };
}
