import { encodeIngestMessage, encodeIngestRequest } from '@argus/shared';
import { withConfirmChannel, type DatabaseAndBroker } from './broker.js';

type ReplayedRow = { id: string; event_id: string; application_id: string; raw: string; received_at: Date; replayed_at: string; previous_request: string | null };

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
  // replay_requested_at stays when the worker fails the event again (it clears replayed_at): the page can say so
  const [rows]: [ReplayedRow[], number] = await deps.db.query(
    `WITH previous AS (SELECT id, replay_requested_at FROM event_errors WHERE id = ANY($1::bigint[]) FOR UPDATE)
     UPDATE event_errors e SET replayed_at = now(), replay_requested_at = now() FROM previous p WHERE e.id = p.id
     RETURNING e.id, e.event_id, e.application_id, e.raw::text AS raw, e.received_at, e.replayed_at::text, p.replay_requested_at::text AS previous_request`,
    [ids],
  );
  if (rows.length === 0) return 0;
  try {
    await withConfirmChannel(deps.amqpUrls, async (channel) => {
      let returned = 0;
      channel.on('return', () => (returned += 1));
      for (const row of rows) {
        const content = encodeIngestMessage([
          encodeIngestRequest(
            { application_id: row.application_id, request_id: `replay-${row.id}`, received_at: row.received_at.toISOString(), replay: true },
            [{ id: row.event_id, json: row.raw }],
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
    await deps.db.query(
      `UPDATE event_errors e SET replayed_at = NULL, replay_requested_at = r.previous::timestamptz
       FROM unnest($1::bigint[], $2::text[]) AS r(id, previous) WHERE e.id = r.id AND e.replayed_at = $3::timestamptz`,
      [rows.map((row) => row.id), rows.map((row) => row.previous_request), rows[0]!.replayed_at],
    );
    throw error instanceof ReplayFailed ? error : new ReplayFailed(`the broker did not take the replay: ${(error as Error).message}`);
  }
  return rows.length;
}
