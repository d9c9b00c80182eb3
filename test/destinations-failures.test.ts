import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { destinationQueueName, republishDeadLetters, type StoredEventMessage } from '@argus/shared';
import { holdFailedEvent } from '../worker/src/delivery/backlog.js';
import { eventually } from '@argus/shared/testing';
import { accept, acceptedIds, receivedAll, sessionEvents, useDeliveryStack } from './support/destinations.js';
import { sampleEvent } from './support/stack.js';

/**
 * What happens to events a receiver does not take, and what the api refuses. Three attempts 50 ms
 * and 100 ms apart, and a circuit breaker that opens after 1.5 s of failures, so that every limit is reached quickly.
 */
describe('destinations that fail, and the destinations api', () => {
  const delivery = useDeliveryStack({
    DESTINATION_REFRESH_MS: '200',
    DELIVERY_RETRY_INITIAL_MS: '50',
    DELIVERY_RETRY_MAX_MS: '100',
    DELIVERY_MAX_ATTEMPTS: '3',
    DESTINATION_PAUSE_AFTER_MS: '1500',
  });

  type DeadLetter = { event_id: string; attempts: number; last_status: number | null; last_error: string; refused_by_receiver: boolean };
  const deadLetters = (destinationId: string) =>
    delivery.stack.database.db.query(
      `SELECT event_id, attempts, last_status, last_error, refused_by_receiver FROM destination_dead_letters
       WHERE destination_id = $1 ORDER BY dead_lettered_at, id`,
      [destinationId],
    ) as Promise<DeadLetter[]>;
  const deadLettersWhen = (destinationId: string, count: number) =>
    eventually(async () => {
      const rows = await deadLetters(destinationId);
      return rows.length === count ? rows : undefined;
    }, 15_000, `${count} dead letters`);

  it('dead-letters an event after the last attempt, with the attempt count and the last answer, then tries the next of its session', async () => {
    const app = await delivery.application();
    const failing = await delivery.receiver();
    failing.answerWith(() => ({ status: 503 }));
    const destination = await delivery.destinations.create({ url: failing.url, filter: { application_id: app.applicationId } });
    const ids = await accept(delivery.stack, app.token, sessionEvents(2));

    const letters = await deadLettersWhen(destination.id, 2);
    expect(letters.map((row) => row.event_id)).toEqual(ids);
    for (const row of letters) {
      expect(row).toMatchObject({ attempts: 3, last_status: 503, refused_by_receiver: false });
      expect(row.last_error).toContain('receiver says no');
    }
    expect(failing.received.map((delivery) => delivery.event.id)).toEqual([ids[0], ids[0], ids[0], ids[1], ids[1], ids[1]]);
    const body = await delivery.destinations.detailWhen(destination.id, (detail) => detail.dead_lettered === 2 && detail.failed_attempts === 6, 'the counters');
    expect(body.backlog).toMatchObject({ held_sessions: 0, held_events: 0, dead_letters: 2 });
    expect(body.last_failure).toMatchObject({ status: 503 });
  });

  it('dead-letters at once an event whose receiver answers Argus-No-Retry, and goes on with its session', async () => {
    const app = await delivery.application();
    const picky = await delivery.receiver();
    const [refused, taken] = sessionEvents(2);
    picky.answerWith((delivery) => (delivery.event.data.path === '/0' ? { status: 422, headers: { 'Argus-No-Retry': 'true' } } : { status: 200 }));
    const destination = await delivery.destinations.create({ url: picky.url, filter: { application_id: app.applicationId } });
    const ids = await accept(delivery.stack, app.token, [refused, taken]);

    await receivedAll(picky, [ids[1]!], 15_000, 'the next event of the session');
    expect(picky.received.map((delivery) => delivery.event.id)).toEqual(ids);
    const [letter] = await deadLettersWhen(destination.id, 1);
    expect(letter).toMatchObject({ event_id: ids[0], attempts: 1, last_status: 422, refused_by_receiver: true });
  });

  it('pauses a destination that keeps failing, keeping its backlog, and delivers it once started again', async () => {
    const app = await delivery.application();
    const broken = await delivery.receiver();
    broken.answerWith(() => ({ status: 500 }));
    const destination = await delivery.destinations.create({ url: broken.url, filter: { application_id: app.applicationId } });
    const ids = await accept(delivery.stack, app.token, sessionEvents(40));

    const paused = await delivery.destinations.detailWhen(destination.id, (body) => body.state === 'paused', 'the circuit breaker to pause it');
    expect(paused.paused_reason).toMatch(/^no successful delivery since \d{4}-.*; last failure: HTTP 500/);
    await eventually(async () => ((await delivery.destinations.consumerCount(destination.id)) === 0 ? true : undefined), 5_000, 'its consumer to be cancelled');
    const { body: held } = await delivery.destinations.call('GET', `/destinations/${destination.id}`);
    expect(held.backlog.held_events).toBeGreaterThan(0);
    const lettered = (await deadLetters(destination.id)).map((row) => row.event_id);
    expect(held.backlog.held_events + lettered.length).toBe(ids.length);

    broken.answerWith(() => ({ status: 200 }));
    const started = await delivery.destinations.call('POST', `/destinations/${destination.id}/start`);
    expect(started.body).toMatchObject({ state: 'running', paused_reason: null, failing_since: null });
    const rest = ids.filter((id) => !lettered.includes(id));
    await receivedAll(broken, rest, 15_000, 'the backlog after the start');
    expect(acceptedIds(broken)).toEqual(rest);
  });

  it("republishes dead letters into their destination's queue even after the queue was deleted", async () => {
    const app = await delivery.application();
    const failing = await delivery.receiver();
    failing.answerWith(() => ({ status: 503 }));
    const destination = await delivery.destinations.create({ url: failing.url, filter: { application_id: app.applicationId } });
    const [eventId] = await accept(delivery.stack, app.token, sessionEvents(1));
    await deadLettersWhen(destination.id, 1);
    await delivery.destinations.call('POST', `/destinations/${destination.id}/stop`);
    await eventually(async () => ((await delivery.destinations.consumerCount(destination.id)) === 0 ? true : undefined), 5_000, 'its consumer to be cancelled');

    const { db } = delivery.stack.database;
    const [letter] = (await db.query('SELECT id::text AS id FROM destination_dead_letters WHERE destination_id = $1', [destination.id])) as { id: string }[];
    const queue = destinationQueueName(delivery.stack.broker.topology, destination.id);
    const connection = await amqp.connect(delivery.stack.broker.url);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.deleteQueue(queue);
      expect(await republishDeadLetters(db, channel, delivery.stack.broker.topology, [letter!.id])).toBe(1);
    } finally {
      await connection.close();
    }
    const [marked] = (await db.query('SELECT replayed_at IS NOT NULL AS replayed FROM destination_dead_letters WHERE id = $1', [letter!.id])) as { replayed: boolean }[];
    expect(marked?.replayed).toBe(true);

    // what the queue holds is delivered once the destination runs again: the letter was not dropped
    failing.answerWith(() => ({ status: 200 }));
    await delivery.destinations.call('POST', `/destinations/${destination.id}/start`);
    await receivedAll(failing, [eventId!], 15_000, 'the republished dead letter');
    expect(acceptedIds(failing)).toEqual([eventId]);
  });

  describe('the api', () => {
    const url = 'http://127.0.0.1:9/hook';

    it('needs a token with the admin scope', async () => {
      const app = await delivery.stack.tokenFor(`app-${randomUUID()}`, ['read', 'write']);
      expect((await fetch(`${delivery.stack.baseUrl}/destinations`)).status).toBe(401);
      const refused = await delivery.destinations.call('POST', '/destinations', { name: 'x', url }, app.token);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await delivery.destinations.call('GET', '/destinations', undefined, app.token)).status).toBe(403);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const app = await delivery.application();
      const cases: [unknown, string][] = [
        [{ name: 'x' }, 'url'],
        [{ name: 'x', url: 'ftp://example.com/hook' }, 'url'],
        [{ name: 'x', url: 'not a url' }, 'url'],
        [{ name: '', url }, 'name'],
        [{ name: 'x', url, filter: { application_id: 'nope' } }, 'filter.application_id'],
        [{ name: 'x', url, filter: { application_id: randomUUID() } }, 'filter.application_id'],
        [{ name: 'x', url, filter: { category: '' } }, 'filter.category'],
        [{ name: 'x', url, filter: { application_id: app.applicationId, colour: 'red' } }, 'filter.colour'],
        [{ name: 'x', url, secret: 'mine' }, 'secret'],
        [{ name: 'x\u0000y', url }, 'name'],
        [{ name: 'x', url: `${url}?q=\u0000` }, 'url'],
        [{ name: 'x', url, filter: { category: 'page\u0000interaction' } }, 'filter.category'],
        [[], 'body'],
      ];
      for (const [body, field] of cases) {
        const { status, body: answer } = await delivery.destinations.call('POST', '/destinations', body);
        expect({ body, status, code: answer.error.code }).toEqual({ body, status: 400, code: 'invalid_body' });
        expect(answer.error.details.map((detail: { path: string }) => detail.path)).toContain(field);
        expect(answer.error.message).toContain(field);
      }
      const malformed = await delivery.destinations.call('POST', '/destinations', '{"name": ');
      expect(malformed.status).toBe(400);
      const form = await delivery.destinations.call('POST', '/destinations', `name=x&url=${encodeURIComponent(url)}`, undefined, 'application/x-www-form-urlencoded');
      expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
      expect((await delivery.destinations.call('GET', '/destinations')).body.destinations.map((d: { url: string }) => d.url)).not.toContain(url);
    });

    it('answers 404 for an unknown destination and 400 for an id or time that is not one', async () => {
      const unknown = randomUUID();
      for (const [method, path, body] of [
        ['GET', `/destinations/${unknown}`],
        ['POST', `/destinations/${unknown}/start`],
        ['POST', `/destinations/${unknown}/stop`],
        ['POST', `/destinations/${unknown}/replay`, { from: '2023-01-01T00:00:00Z' }],
      ] as const) {
        const answer = await delivery.destinations.call(method, path, body);
        expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({ path, status: 404, code: 'not_found' });
      }
      const badId = await delivery.destinations.call('GET', '/destinations/42');
      expect(badId.status).toBe(400);
      expect(badId.body.error.details[0].path).toBe('id');

      const created = await delivery.destinations.create({ url });
      for (const body of [{}, { from: 'yesterday' }, { from: '2023-02-30T00:00:00Z' }]) {
        const answer = await delivery.destinations.call('POST', `/destinations/${created.id}/replay`, body);
        expect(answer.status).toBe(400);
        expect(answer.body.error.details[0].path).toBe('from');
      }
      await delivery.destinations.call('POST', `/destinations/${created.id}/stop`);
    });

    it('lists destinations with their state and counters, never their secret', async () => {
      const created = await delivery.destinations.create({ name: 'listed', url, filter: { category: 'page interaction' } });
      const { status, body } = await delivery.destinations.call('GET', '/destinations');
      expect(status).toBe(200);
      const listed = body.destinations.find((destination: { id: string }) => destination.id === created.id);
      expect(listed).toMatchObject({ name: 'listed', url, state: 'running', delivered: 0, filter: { application_id: null, category: 'page interaction', name: null } });
      expect(JSON.stringify(body)).not.toContain('whsec_');
      await delivery.destinations.call('POST', `/destinations/${created.id}/stop`);
    });
  });
});

describe('a held session whose wake-up was lost', () => {
  const delivery = useDeliveryStack({ DESTINATION_REFRESH_MS: '200', DELIVERY_WAKEUP_GRACE_MS: '300' });

  it('is delivered without waiting for traffic: the consumer sends it another wake-up', async () => {
    const app = await delivery.application();
    const receiver = await delivery.receiver();
    const destination = await delivery.destinations.create({ url: receiver.url, filter: { application_id: app.applicationId } });
    // what a failed attempt leaves behind, minus its wake-up (lost with a broker, say), on a destination no event has reached
    const event: StoredEventMessage = {
      ...(sampleEvent({ session_id: randomUUID() }) as Omit<StoredEventMessage, 'id'>),
      id: randomUUID(),
      application_id: app.applicationId,
      application: 'held',
      timestamp: '2023-01-01T09:15:27.243860Z',
      client_timestamp: '2023-01-01T09:15:27.243860Z',
      sent_at: null,
      received_at: '2023-01-01T09:15:28.000000Z',
      request_id: 'held',
      schema_version: null,
    };
    await holdFailedEvent(delivery.stack.database.db, destination.id, event, {
      attempts: 1,
      dueAt: Date.now() - 60_000,
      failure: { kind: 'failed', status: 503, error: 'receiver says no', noRetry: false, durationMs: 5 },
    });

    await receivedAll(receiver, [event.id], 15_000, 'the held event');
    await delivery.destinations.detailWhen(destination.id, (detail) => detail.backlog.held_events === 0, 'the backlog to empty');
  });
});
