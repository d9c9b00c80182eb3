import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { accept, acceptedIds, receivedAll, sessionEvents, useDeliveryStack } from './support/destinations.js';

/**
 * A receiver that is down, seen by the destination as a whole: after a few failures it is only
 * probed (every 200 ms to 1 s here), its events wait in its queue, and the database gets no row
 * per event; the first answer resumes delivery in each session's order.
 */
describe('a destination whose receiver is down', () => {
  const delivery = useDeliveryStack({
    DESTINATION_REFRESH_MS: '200',
    DELIVERY_RETRY_INITIAL_MS: '100',
    DELIVERY_RETRY_MAX_MS: '2000',
    DELIVERY_MAX_ATTEMPTS: '16',
    DELIVERY_RECEIVER_DOWN_AFTER: '3',
    DELIVERY_PROBE_INITIAL_MS: '200',
    DELIVERY_PROBE_MAX_MS: '1000',
  });
  const backlogRows = async (destinationId: string) =>
    Number(((await delivery.stack.database.db.query('SELECT count(*) AS n FROM delivery_backlog WHERE destination_id = $1', [destinationId])) as { n: string }[])[0]!.n);

  it('keeps its events in its queue while only probes go, then delivers every session in order once the receiver answers', async () => {
    const app = await delivery.application();
    const receiver = await delivery.receiver();
    await receiver.down();
    const destination = await delivery.destinations.create({ url: receiver.url, filter: { application_id: app.applicationId } });

    const sessions = Array.from({ length: 20 }, () => sessionEvents(10, Date.parse('2023-01-01T09:00:00Z'), randomUUID()));
    const ids: string[] = [];
    for (const events of sessions) ids.push(...(await accept(delivery.stack, app.token, events)));

    const down = await delivery.destinations.detailWhen(
      destination.id,
      (body) => body.delivery.status === 'receiver_down' && body.backlog.queue_depth + body.backlog.held_events > 0 && body.backlog.oldest_waiting_at !== null,
      'the receiver to count as down',
    );
    expect(down.delivery.receiver_down_since).not.toBeNull();
    expect(down.backlog.oldest_waiting_seconds).toBeGreaterThanOrEqual(0);
    // a second and more of probing: still, only what failed before it counted as down was held
    const attemptsThen = down.failed_attempts;
    await delivery.destinations.detailWhen(destination.id, (body) => body.failed_attempts >= attemptsThen + 2, 'a few probes');
    expect(await backlogRows(destination.id)).toBeLessThan(3 * 10);
    const metrics = await (await fetch(delivery.metricsUrl)).text();
    expect(metrics).toContain(`argus_worker_destination_receiver_down{destination="${destination.id}"} 1`);
    expect(metrics).toMatch(new RegExp(`argus_worker_destination_queue_depth\\{destination="${destination.id}"\\} \\d+`));

    await receiver.up();
    await receivedAll(receiver, ids, 30_000, 'every event once the receiver answers');
    const timestamps = new Map(receiver.accepted().map((received) => [received.event.id, received.event]));
    for (const events of sessions) {
      const sessionId = events[0]!.session_id;
      const order = acceptedIds(receiver).map((id) => timestamps.get(id)!).filter((event) => event.session_id === sessionId).map((event) => event.timestamp);
      expect(order).toEqual([...order].sort());
      expect(order).toHaveLength(10);
    }
    const after = await delivery.destinations.detailWhen(destination.id, (body) => body.delivery.status === 'delivering' && body.backlog.held_events === 0, 'delivery to resume');
    expect(after.recent_attempts.length).toBeGreaterThan(0);
    expect(after.recent_attempts.length).toBeLessThanOrEqual(50);
    expect(after.recent_attempts[0]).toMatchObject({ status: 204, answer: null });
  });

  it('does not start failing_since for a refusal marked Argus-No-Retry that leaves nothing pending', async () => {
    const app = await delivery.application();
    const picky = await delivery.receiver();
    picky.answerWith(() => ({ status: 422, headers: { 'Argus-No-Retry': 'true' } }));
    const destination = await delivery.destinations.create({ url: picky.url, filter: { application_id: app.applicationId } });
    await accept(delivery.stack, app.token, sessionEvents(1));
    const body = await delivery.destinations.detailWhen(destination.id, (detail) => detail.dead_lettered === 1, 'the refusal to be dead-lettered');
    expect(body.failing_since).toBeNull();
    expect(body.last_failure).toMatchObject({ status: 422 });
    expect(body.delivery.status).toBe('delivering');
  });
});
