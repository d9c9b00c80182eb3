import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';

/**
 * A channel that the broker closed (say, it names a queue someone deleted) is not reopened on its
 * own; closing its connection instead hands the whole recovery to `connectBroker`, setup included.
 */
export function recoverConnectionWhenClosed(model: ChannelModel, channel: Channel, isStopping: () => boolean): void {
  channel.on('error', () => {
    // the 'close' that follows is what we act on
  });
  channel.on('close', () => {
    if (!isStopping()) model.close().catch(() => {});
  });
}

/**
 * The confirm channel a publisher uses on one connection, given up after a nack for a fresh one: a
 * channel whose first publish to a quorum queue fell in a leader election (a node just died) has
 * every later publish nacked for as long as that node stays down, while a channel opened after the
 * election gets acks. A channel the broker closes (it names something deleted, say) closes the
 * connection instead, so that the connection's recovery sets everything up again.
 */
export type RenewableConfirmChannel = {
  /** The channel to publish on now, if one is open. */
  current(): ConfirmChannel | undefined;
  /** The channel to publish on, opened (and prepared) when there is none. */
  get(): Promise<ConfirmChannel>;
  /** Gives `channel` up (a publish on it was nacked or not confirmed in time): the next `get` opens another. */
  renew(channel: ConfirmChannel): void;
};

export function renewableConfirmChannel(
  model: ChannelModel,
  options: { prepare?: (channel: ConfirmChannel) => Promise<void>; isStopping: () => boolean },
): RenewableConfirmChannel {
  let current: ConfirmChannel | undefined;
  let opening: Promise<ConfirmChannel> | undefined;
  const retired = new WeakSet<ConfirmChannel>();

  async function open(): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on('error', () => {
      // the 'close' that follows is what we act on
    });
    channel.on('close', () => {
      if (current === channel) current = undefined;
      if (!retired.has(channel) && !options.isStopping()) model.close().catch(() => {});
    });
    await options.prepare?.(channel);
    current = channel;
    return channel;
  }

  return {
    current: () => current,
    get() {
      if (current) return Promise.resolve(current);
      opening ??= open().finally(() => (opening = undefined));
      return opening;
    },
    renew(channel) {
      if (retired.has(channel)) return;
      retired.add(channel);
      if (current === channel) current = undefined;
      channel.close().catch(() => {});
    },
  };
}

/**
 * What publishes with confirms on a process's recovering connection: `open` on every (re)connect,
 * then `publish` runs the work on the current channel within `timeoutMs`; work that fails (a nack,
 * no confirm in time) gives its channel up, so that a retry gets a fresh one.
 */
export type ConfirmedPublisher = {
  open(model: ChannelModel): Promise<void>;
  publish<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T>;
  close(): void;
};

export function confirmedPublisher(timeoutMs: number, isStopping: () => boolean = () => false): ConfirmedPublisher {
  let slot: RenewableConfirmChannel | undefined;
  let closing = false;
  return {
    async open(model) {
      slot = renewableConfirmChannel(model, { isStopping: () => closing || isStopping() });
      await slot.get();
    },
    async publish(work) {
      const current = slot;
      if (!current) throw new PublishUnconfirmed('not connected to the broker');
      const channel = await current.get().catch((error: Error) => {
        throw new PublishUnconfirmed(`the broker refused a channel (${error.message})`);
      });
      try {
        return await confirmedWithin(channel, timeoutMs, () => work(channel));
      } catch (error) {
        current.renew(channel);
        throw error;
      }
    },
    close() {
      closing = true;
    },
  };
}

/** The broker did not confirm a publish: not connected, the channel closed, a nack, or no confirm in time. Retrying may help. */
export class PublishUnconfirmed extends Error {
  override name = 'PublishUnconfirmed';
}

/**
 * Resolves once the channel's write buffer has drained; rejects if the channel closes first, which
 * would otherwise leave a publisher parked on a full buffer for ever.
 */
export async function drained(channel: Channel): Promise<void> {
  const settled = new AbortController();
  try {
    await Promise.race([
      once(channel, 'drain', { signal: settled.signal }),
      once(channel, 'close', { signal: settled.signal }).then(() => {
        throw new PublishUnconfirmed('the broker closed the channel');
      }),
    ]);
  } finally {
    settled.abort();
  }
}

/**
 * Publishes one message on a confirm channel. `written` is false when the socket's buffer is full
 * (wait for `drained` before the next). `confirmed` has a handler from the start: a channel that
 * closes while the caller is still publishing rejects it before anyone awaits it, and an unhandled
 * rejection would end the process.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): { written: boolean; confirmed: Promise<void> } {
  let settle: (error: Error | null) => void = () => {};
  const confirmed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(new PublishUnconfirmed(`the broker did not confirm a message: ${error.message}`)) : resolve());
  });
  confirmed.catch(() => {});
  // outside the promise: a channel already closed throws here, to the caller, rather than into `confirmed`
  const written = channel.publish(exchange, routingKey, content, options, (error) => settle(error));
  return { written, confirmed };
}

/**
 * Waits for `publishing` (confirmed publishes on `channel`), but no longer than `timeoutMs` and not
 * past the channel's close: a broker that stops answering must not hold the caller for ever.
 */
export async function confirmedWithin<T>(channel: Channel, timeoutMs: number, publishing: () => Promise<T>): Promise<T> {
  const work = publishing();
  const settled = new AbortController();
  const timeout = sleep(timeoutMs, undefined, { signal: settled.signal }).then(() => {
    throw new PublishUnconfirmed(`the broker did not confirm within ${timeoutMs} ms`);
  });
  const closed = once(channel, 'close', { signal: settled.signal }).then(() => {
    throw new PublishUnconfirmed('the broker closed the channel');
  });
  try {
    return await Promise.race([work, timeout, closed]);
  } finally {
    settled.abort();
  }
}
