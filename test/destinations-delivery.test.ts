import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { Webhook } from 'standardwebhooks';
import { accept, acceptedIds, receivedAll, sessionEvents, useDeliveryStack } from './support/destinations.js';
import { sampleEvent } from './support/stack.js';

/**
 * Delivery to webhook destinations, end to end: api → worker → stored-events exchange → one queue
 * per destination → the worker's delivery → real HTTP receivers on this machine. Retries are
 * quick here (100 ms, growing to 2 s) and many, so that a receiver down for a while is not
 * given up on, and a receiver that is down is probed every second at most.
 */
describe('delivery to webhook destinations', () => {
  const delivery = useDeliveryStack({
    DESTINATION_REFRESH_MS: '200',
    DELIVERY_RETRY_INITIAL_MS: '100',
    DELIVERY_RETRY_MAX_MS: '2000',
    DELIVERY_MAX_ATTEMPTS: '16',
    DELIVERY_TIMEOUT_MS: '3000',
    DELIVERY_PROBE_INITIAL_MS: '200',
    DELIVERY_PROBE_MAX_MS: '1000',
  });

  it('delivers each stored event to every destination whose filter matches, signed with its own secret', async () => {
    const app = await delivery.application();
    const [all, forms] = [await delivery.receiver(), await delivery.receiver()];
    const toAll = await delivery.destinations.create({ url: all.url, filter: { application_id: app.applicationId } });
    const toForms = await delivery.destinations.create({ url: forms.url, filter: { application_id: app.applicationId, category: 'form interaction', name: 'submit' } });
    expect(toAll.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const formSubmit = sampleEvent({ session_id: randomUUID(), category: 'form interaction', name: 'submit', data: { host: 'h', path: '/', form: { a: 1 } } });
    const [click, submit] = (await accept(delivery.stack, app.token, [sampleEvent({ session_id: randomUUID() }), formSubmit])) as [string, string];
    const [invalid] = (await accept(delivery.stack, app.token, [sampleEvent({ session_id: randomUUID(), data: { host: 'h' } })])) as [string]; // never delivered

    const allDeliveries = await receivedAll(all, [click, submit], 15_000, 'both events at the first receiver');
    const [formDelivery] = await receivedAll(forms, [submit], 15_000, 'the form submit at the second receiver');
    expect(acceptedIds(forms)).toEqual([submit]);

    const verified = new Webhook(toAll.signing_secret).verify(allDeliveries[0]!.body, allDeliveries[0]!.headers as Record<string, string>) as {
      type: string;
      data: { id: string; application: string };
    };
    expect(verified.type).toBe('event.stored');
    expect(verified.data.application).toMatch(/^app-/);
    expect(() => new Webhook(toForms.signing_secret).verify(allDeliveries[0]!.body, allDeliveries[0]!.headers as Record<string, string>)).toThrow();
    new Webhook(toForms.signing_secret).verify(formDelivery!.body, formDelivery!.headers as Record<string, string>);
    // one delivery id per event and destination
    const submitAtAll = allDeliveries.find((delivery) => delivery.event.id === submit)!;
    expect(submitAtAll.headers['webhook-id']).not.toBe(formDelivery!.headers['webhook-id']);

    const detail = await delivery.destinations.detailWhen(toAll.id, (body) => body.delivered === 2, 'the counters to be written back');
    expect(detail).toMatchObject({ state: 'running', failed_attempts: 0, last_failure: null, backlog: { queue_depth: 0, held_sessions: 0, dead_letters: 0 } });
    expect(detail.last_success_at).not.toBeNull();
    const metrics = await (await fetch(delivery.metricsUrl)).text();
    const deliveredTo = (id: string) => Number(new RegExp(`argus_worker_deliveries_total\\{destination="${id}",outcome="delivered"\\} (\\d+)`).exec(metrics)?.[1]);
    expect(deliveredTo(toAll.id)).toBe(2);
    expect(deliveredTo(toForms.id)).toBe(1);
    // the only delivering worker has both destinations
    expect(metrics).toContain('argus_worker_destinations_owned 2');
    // the invalid event was handled (kept as an error) and only the two valid ones reached the receiver
    await eventually(
      async () => ((await delivery.stack.database.db.query('SELECT 1 FROM event_errors WHERE event_id = $1', [invalid])).length === 1 ? true : undefined),
      15_000,
      'the invalid event to be kept as an error',
    );
    expect([...acceptedIds(all)].sort()).toEqual([click, submit].sort());
    expect(all.received.map((delivery) => delivery.event.id)).not.toContain(invalid);
  });

  it('keeps delivering to one receiver while another is down, then delivers the backlog in each session\'s order', async () => {
    const app = await delivery.application();
    const [healthy, flaky] = [await delivery.receiver(), await delivery.receiver()];
    await delivery.destinations.create({ url: healthy.url, filter: { application_id: app.applicationId } });
    const toFlaky = await delivery.destinations.create({ url: flaky.url, filter: { application_id: app.applicationId } });
    await flaky.down();

    const first = sessionEvents(4);
    const second = sessionEvents(4, Date.parse('2023-01-01T10:00:00Z'));
    // one request, sessions interleaved and out of time order: the worker publishes a batch in timestamp order
    const interleaved = [first[2], second[0], first[0], second[3], first[1], second[1], first[3], second[2]];
    const ids = await accept(delivery.stack, app.token, interleaved);
    // the first of each session in time: the first to be sent, refused and held
    const heads = [first[0], second[0]].map((event) => ids[interleaved.indexOf(event)]!);
    const later = sessionEvents(2, Date.parse('2023-01-01T09:10:00Z'), first[0]!.session_id);
    ids.push(...(await accept(delivery.stack, app.token, later)));

    await receivedAll(healthy, ids, 15_000, 'every event at the healthy receiver');
    const down = await delivery.destinations.detailWhen(
      toFlaky.id,
      (body) => body.backlog.held_sessions === 2 && body.backlog.held_events === ids.length && body.delivery.status === 'receiver_down',
      'both sessions to be held back, and the receiver to count as down',
    );
    expect(down.delivery.description).toMatch(/^receiver down since \d{4}-.*, next probe in \d+ s$/);
    expect(down.recent_attempts[0]).toMatchObject({ status: null, answer: 'ECONNREFUSED' });

    // back, but refusing at first: the probe (a session's held head) is refused, then taken on a later probe, and the rest follows
    flaky.answerWith(() => ({ status: 503 }));
    await flaky.up();
    await eventually(async () => (flaky.received.length > 0 ? true : undefined), 20_000, 'a probe to be refused');
    expect(heads).toContain(flaky.received[0]!.event.id);
    flaky.answerWith(() => ({ status: 204 }));
    await receivedAll(flaky, ids, 20_000, 'the backlog once the receiver takes it');
    const timestamps = new Map(flaky.accepted().map((delivery) => [delivery.event.id, delivery.event]));
    for (const sessionId of [first[0]!.session_id, second[0]!.session_id]) {
      const order = acceptedIds(flaky).map((id) => timestamps.get(id)!).filter((event) => event.session_id === sessionId).map((event) => event.timestamp);
      expect(order).toEqual([...order].sort());
      expect(order.length).toBe(sessionId === first[0]!.session_id ? 6 : 4);
    }
    // every retry of an event carried the same delivery id; the refused probe was sent again
    for (const id of ids) expect(new Set(flaky.received.filter((delivery) => delivery.event.id === id).map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    expect(flaky.received.filter((delivery) => delivery.event.id === flaky.received[0]!.event.id).length).toBeGreaterThanOrEqual(2);
    await delivery.destinations.detailWhen(
      toFlaky.id,
      (body) => body.backlog.held_events === 0 && body.failing_since === null && body.failed_attempts > 0 && body.delivery.status === 'delivering',
      'the backlog to be empty and the failure cleared',
    );
  });

  it('sends a new destination the events stored from its creation on, and history only when replayed from a time', async () => {
    const app = await delivery.application();
    const [witness, newcomer] = [await delivery.receiver(), await delivery.receiver()];
    await delivery.destinations.create({ url: witness.url, filter: { application_id: app.applicationId } });
    const history = sessionEvents(3, Date.parse('2023-01-01T08:00:00Z'));
    const historyIds = await accept(delivery.stack, app.token, history);
    await receivedAll(witness, historyIds, 15_000, 'the history to be stored and published');

    const created = await delivery.destinations.create({ url: newcomer.url, filter: { application_id: app.applicationId } });
    const [fresh] = (await accept(delivery.stack, app.token, [sampleEvent({ session_id: randomUUID(), timestamp: '2023-01-02T00:00:00Z' })])) as [string];
    await receivedAll(newcomer, [fresh], 15_000, 'the event stored after creation');
    await receivedAll(witness, [fresh], 15_000, 'the witness to get it too');
    expect(acceptedIds(newcomer)).toEqual([fresh]);

    const replayed = await delivery.destinations.call('POST', `/destinations/${created.id}/replay`, { from: '2023-01-01T08:00:01Z' });
    expect(replayed).toEqual({ status: 200, body: { published: 3 } }); // the last two of history, and the fresh one
    await eventually(async () => (newcomer.accepted().length === 4 ? true : undefined), 15_000, 'the replayed events');
    const replayedIds = newcomer.accepted().slice(1).map((delivery) => delivery.event.id);
    expect([...replayedIds].sort()).toEqual([historyIds[1]!, historyIds[2]!, fresh].sort());
    // in timestamp order within the session (other sessions may go at the same time)
    expect(replayedIds.filter((id) => historyIds.includes(id))).toEqual([historyIds[1], historyIds[2]]);
  });

  it('stops delivering when stopped, keeping what arrives meanwhile, and resumes from there when started', async () => {
    const app = await delivery.application();
    const [witness, paused] = [await delivery.receiver(), await delivery.receiver()];
    await delivery.destinations.create({ url: witness.url, filter: { application_id: app.applicationId } });
    const target = await delivery.destinations.create({ url: paused.url, filter: { application_id: app.applicationId } });
    await eventually(async () => ((await delivery.destinations.consumerCount(target.id)) === 1 ? true : undefined), 10_000, 'a consumer');

    expect((await delivery.destinations.call('POST', `/destinations/${target.id}/stop`)).body.state).toBe('stopped');
    await eventually(async () => ((await delivery.destinations.consumerCount(target.id)) === 0 ? true : undefined), 5_000, 'the consumer to be cancelled');
    const ids = await accept(delivery.stack, app.token, sessionEvents(5));
    await receivedAll(witness, ids, 15_000, 'the running destination to get them');
    await delivery.destinations.detailWhen(target.id, (body) => body.backlog.queue_depth === ids.length, "the stopped destination's queue to hold them");
    expect(paused.received).toEqual([]);

    expect((await delivery.destinations.call('POST', `/destinations/${target.id}/start`)).body.state).toBe('running');
    await receivedAll(paused, ids, 15_000, 'the held events after the start');
    expect(acceptedIds(paused)).toEqual(ids);
  });
});
