import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import type { DataSource } from 'typeorm';
import type { Topology } from '@argus/shared';

/** Confirmed publishing at the broker's pace: confirms pipelined, awaited once per 1,000 messages. */
export async function measureConfirmedPublish(url: string, topology: Topology, content: Buffer, messages: number): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const queue = `${topology.ingestQueue}.baseline`;
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const started = performance.now();
    for (let sent = 0; sent < messages; sent += 1) {
      channel.sendToQueue(queue, content, { persistent: true });
      if (sent % 1000 === 999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
    const seconds = (performance.now() - started) / 1000;
    await channel.deleteQueue(queue);
    return messages / seconds;
  } finally {
    await connection.close();
  }
}

/**
 * Confirmed publishing as request handlers do it: `publishers` concurrent loops, each awaiting its own
 * confirm before the next message. This, not the pipelined rate, bounds single-event posts at that
 * concurrency, since every request waits for the confirm of its message.
 */
export async function measureConcurrentConfirms(url: string, topology: Topology, content: Buffer, publishers: number, seconds: number): Promise<number> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    const queue = `${topology.ingestQueue}.baseline-concurrent`;
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const deadline = performance.now() + seconds * 1000;
    let confirmed = 0;
    const publishUntilDeadline = async () => {
      while (performance.now() < deadline) {
        await new Promise<void>((resolve, reject) => channel.sendToQueue(queue, content, { persistent: true }, (error) => (error ? reject(error) : resolve())));
        confirmed += 1;
      }
    };
    await Promise.all(Array.from({ length: publishers }, publishUntilDeadline));
    await channel.deleteQueue(queue);
    return confirmed / seconds;
  } finally {
    await connection.close();
  }
}

/** Multi-row INSERT of event rows (unnest, 1,000 a statement, one transaction each): what PostgreSQL takes here. */
export async function measureMultiRowInsert(db: DataSource, rows: number): Promise<number> {
  // the same columns and indexes as `events`, without the worker's session bookkeeping
  await db.query('CREATE TABLE baseline_events (LIKE events INCLUDING ALL)');
  const batch = 1000;
  const started = performance.now();
  for (let done = 0; done < rows; done += batch) {
    const ids = Array.from({ length: batch }, () => randomUUID());
    const now = new Date().toISOString();
    await db.query(
      `INSERT INTO baseline_events (id, application_id, session_id, category, name, data, timestamp, client_timestamp, sent_at, received_at, request_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[],
                            $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::text[])`,
      [
        ids,
        ids.map(() => ids[0]),
        ids.map((_, index) => ids[index % 50]),
        ids.map(() => 'page interaction'),
        ids.map(() => 'cta click'),
        ids.map(() => JSON.stringify({ host: 'www.example.com', path: '/', element: 'chat bubble' })),
        ids.map(() => now),
        ids.map(() => now),
        ids.map(() => null),
        ids.map(() => now),
        ids.map(() => 'baseline'),
      ],
    );
  }
  const seconds = (performance.now() - started) / 1000;
  await db.query('DROP TABLE baseline_events');
  return rows / seconds;
}
