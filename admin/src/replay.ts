import { encodeIngestMessage, encodeIngestRequest } from '@argus/shared';
import { withConfirmChannel, type DatabaseAndBroker } from './broker.js';

type ReplayedRow = { id: string; event_id: string; application_id: string; raw: unknown; received_at: Date; replayed_at: string };

export class ReplayFailed extends Error {
  override name = 'ReplayFailed';
}

/**
 * Sends stored failures through the worker again, each in an ingest envelope like the api's (same
 * event and application ids, original received_at). The rows are marked first: marking after the
 * publish could overwrite a worker that had already stored the replay's new failure. If the broker
 * does not take every message, the marks are taken back and nothing counts as replayed.
 */
export async function replayEventErrors(deps: DatabaseAndBroker, ids: readonly string[]): Promise<number> {
  const [rows]: [ReplayedRow[], number] = await deps.db.query(
    `UPDATE event_errors SET replayed_at = now() WHERE id = ANY($1::bigint[])
     RETURNING id, event_id, application_id, raw, received_at, replayed_at::text`,
    [ids],
  );
  if (rows.length === 0) return 0;
  try {
    await withConfirmChannel(deps.amqpUrl, async (channel) => {
      let returned = 0;
      channel.on('return', () => (returned += 1));
      for (const row of rows) {
        const content = encodeIngestMessage([
          encodeIngestRequest(
            { application_id: row.application_id, request_id: `replay-${row.id}`, received_at: row.received_at.toISOString(), replay: true },
            [{ id: row.event_id, json: JSON.stringify(row.raw) }],
          ),
        ]);
        channel.publish(deps.topology.ingestExchange, deps.topology.ingestRoutingKey, content, {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
        });
      }
      await channel.waitForConfirms();
      // the broker sends a mandatory message back, before its confirm, when no queue took it
      if (returned > 0) throw new ReplayFailed(`${returned} of ${rows.length} replayed events reached no queue`);
    });
  } catch (error) {
    // the mark as PostgreSQL's text, to the microsecond: a JS Date keeps milliseconds and would match no row
    await deps.db.query(`UPDATE event_errors SET replayed_at = NULL WHERE id = ANY($1::bigint[]) AND replayed_at = $2::timestamptz`, [
      rows.map((row) => row.id),
      rows[0]!.replayed_at,
    ]);
    throw error instanceof ReplayFailed ? error : new ReplayFailed(`the broker did not take the replay: ${(error as Error).message}`);
  }
  return rows.length;
}
