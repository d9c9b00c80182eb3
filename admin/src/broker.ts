import { connectToAnyNode, PublishUnconfirmed, type Topology } from '@argus/shared';
import type { ConfirmChannel } from 'amqplib';
import type { DataSource } from 'typeorm';

/** What the panel's pages that reach past the database need: the broker to publish to or ask, and its names. */
export type DatabaseAndBroker = { db: DataSource; amqpUrls: readonly string[]; topology: Topology };

/**
 * Opens a short-lived confirm channel for one piece of work. The panel talks to the broker rarely
 * (a replay, a dashboard load), so it keeps no connection open between requests. A broker it cannot
 * reach is a PublishUnconfirmed, like one that does not confirm.
 */
export async function withConfirmChannel<T>(urls: readonly string[], work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await connectToAnyNode(urls, 'argus-admin').catch((error: Error) => {
    throw new PublishUnconfirmed(`the message broker is unreachable (${error.message})`);
  });
  try {
    const channel = await connection.createConfirmChannel();
    // a channel error (an unknown queue) also rejects the call that caused it; without a listener it would crash the process
    channel.on('error', () => {});
    return await work(channel);
  } finally {
    await connection.close().catch(() => {});
  }
}

export type QueueFigures = { messages: number; consumers: number };

/**
 * The depth and consumers of each queue, on one connection. A queue that does not exist closes the
 * channel that asked, so each is asked on its own channel; it and an unreachable broker get no figure.
 */
export async function queueFigures(urls: readonly string[], queues: readonly string[]): Promise<Map<string, QueueFigures>> {
  const figures = new Map<string, QueueFigures>();
  const connection = await connectToAnyNode(urls, 'argus-admin').catch(() => null);
  if (!connection) return figures;
  try {
    for (const queue of queues) {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      try {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        figures.set(queue, { messages: messageCount, consumers: consumerCount });
        await channel.close();
      } catch {
        // no such queue: the broker closed this channel
      }
    }
  } finally {
    await connection.close().catch(() => {});
  }
  return figures;
}

/** One queue's depth from `queueFigures`, as destinationBacklog asks for it: no figure is a rejection (shown as unknown). */
export function messagesIn(figures: Map<string, QueueFigures>, queue: string): number {
  const figure = figures.get(queue);
  if (!figure) throw new Error(`the broker gave no figure for ${queue}`);
  return figure.messages;
}
