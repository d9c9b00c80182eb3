import type { ConfirmChannel } from 'amqplib';
import type { DataSource } from 'typeorm';
import type { Destination } from '../entities/destination.js';
import { storedEventColumns, type StoredEventMessage } from '../stored-events.js';
import type { Topology } from '../topology.js';
import type { DestinationFilter } from './filter.js';
import { destinationFilterOf } from './operations.js';
import { publishToDestination } from './publish.js';
import { assertDestinationQueue } from './topology.js';

const replayPageSize = 500;

type DestinationFilterColumns = Pick<Destination, 'filterApplicationId' | 'filterCategory' | 'filterName'>;

/**
 * Sends a destination the stored events with a timestamp at or after `from` that its filter
 * matches, in (timestamp, id) order, a confirmed page at a time (memory stays bounded however far
 * back it goes). They join its queue behind what is already there; receivers dedupe by webhook-id.
 */
export async function replayDestinationFrom(
  db: DataSource,
  channel: ConfirmChannel,
  topology: Topology,
  destination: Destination,
  from: string,
): Promise<number> {
  const filter = destinationFilterOf(destination);
  await assertDestinationQueue(channel, topology, { id: destination.id, filter });
  let after: { timestamp: string; id: string } | undefined;
  let published = 0;
  for (;;) {
    const page: StoredEventMessage[] = await db.query(
      `SELECT ${storedEventColumns('e')}, a.name AS application
       FROM events e JOIN applications a ON a.id = e.application_id
       WHERE e.timestamp >= $1::timestamptz
         AND ($2::uuid IS NULL OR e.application_id = $2) AND ($3::text IS NULL OR e.category = $3) AND ($4::text IS NULL OR e.name = $4)
         AND ($5::timestamptz IS NULL OR (e.timestamp, e.id) > ($5::timestamptz, $6::uuid))
       ORDER BY e.timestamp, e.id LIMIT ${replayPageSize}`,
      [from, filter.applicationId, filter.category, filter.name, after?.timestamp ?? null, after?.id ?? null],
    );
    if (page.length === 0) return published;
    await publishToDestination(channel, topology, destination.id, page);
    published += page.length;
    const last = page.at(-1)!;
    after = { timestamp: last.timestamp, id: last.id };
  }
}

/**
 * Sends dead letters to their destination's queue again, as new deliveries with fresh attempts.
 * Each destination's queue is declared first, as a replay's is: the delivery exchange drops what
 * no queue takes, and the broker confirms it all the same. The letters are marked after the broker
 * confirmed; the rows stay (a dead letter is history).
 */
export async function republishDeadLetters(db: DataSource, channel: ConfirmChannel, topology: Topology, ids: readonly string[]): Promise<number> {
  const rows: (DestinationFilterColumns & { id: string; destination_id: string; event: StoredEventMessage })[] = await db.query(
    `SELECT l.id::text AS id, l.destination_id, l.event, d.filter_application_id AS "filterApplicationId",
            d.filter_category AS "filterCategory", d.filter_name AS "filterName"
     FROM destination_dead_letters l JOIN destinations d ON d.id = l.destination_id
     WHERE l.id = ANY($1::bigint[]) ORDER BY l.id`,
    [ids],
  );
  const byDestination = new Map<string, { filter: DestinationFilter; events: StoredEventMessage[] }>();
  for (const row of rows) {
    let letters = byDestination.get(row.destination_id);
    if (!letters) byDestination.set(row.destination_id, (letters = { filter: destinationFilterOf(row), events: [] }));
    letters.events.push(row.event);
  }
  for (const [destinationId, { filter, events }] of byDestination) {
    await assertDestinationQueue(channel, topology, { id: destinationId, filter });
    await publishToDestination(channel, topology, destinationId, events);
  }
  await db.query('UPDATE destination_dead_letters SET replayed_at = now() WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
  return rows.length;
}
