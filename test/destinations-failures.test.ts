import { randomUUID } from 'node:crypto';
import { eventually } from '@argus/shared/testing';
import { accept, acceptedIds, destinationsClient, receivedAll, sessionEvents } from './support/destinations.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { startStack, type TestStack } from './support/stack.js';

/**
 * What happens to events a receiver does not take, and what the api refuses. Three attempts 50 ms
 * and 100 ms apart, and a circuit breaker that opens after 1.5 s of failures, so that every limit is reached quickly.
 */
describe('destinations that fail, and the destinations api', () => {
  let stack: TestStack;
  let destinations: Awaited<ReturnType<typeof destinationsClient>>;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker({
      DESTINATION_REFRESH_MS: '200',
      DELIVERY_RETRY_INITIAL_MS: '50',
      DELIVERY_RETRY_MAX_MS: '100',
      DELIVERY_MAX_ATTEMPTS: '3',
      DESTINATION_PAUSE_AFTER_MS: '1500',
    });
    destinations = await destinationsClient(stack);
  });
  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await stack.stop();
  });

  const receiver = async () => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };
  const application = () => stack.tokenFor(`app-${randomUUID()}`);
  const deadLetters = (destinationId: string) =>
    stack.database.db.query(
      `SELECT event_id, attempts, last_status, last_error, refused_by_receiver FROM destination_dead_letters
       WHERE destination_id = $1 ORDER BY dead_lettered_at, id`,
      [destinationId],
    ) as Promise<{ event_id: string; attempts: number; last_status: number | null; last_error: string; refused_by_receiver: boolean }[]>;

  it('dead-letters an event after the last attempt, with the attempt count and the last answer, then tries the next of its session', async () => {
    const app = await application();
    const failing = await receiver();
    failing.answerWith(() => ({ status: 503 }));
    const destination = await destinations.create({ url: failing.url, filter: { application_id: app.applicationId } });
    const ids = await accept(stack, app.token, sessionEvents(2));

    const letters = await eventually(async () => {
      const rows = await deadLetters(destination.id);
      return rows.length === 2 ? rows : undefined;
    }, 15_000, 'both events to be dead-lettered');
    expect(letters.map((row) => row.event_id)).toEqual(ids);
    for (const row of letters) {
      expect(row).toMatchObject({ attempts: 3, last_status: 503, refused_by_receiver: false });
      expect(row.last_error).toContain('receiver says no');
    }
    expect(failing.received.map((delivery) => delivery.event.id)).toEqual([ids[0], ids[0], ids[0], ids[1], ids[1], ids[1]]);
    await eventually(async () => {
      const { body } = await destinations.call('GET', `/destinations/${destination.id}`);
      return body.dead_lettered === 2 && body.failed_attempts === 6 ? body : undefined;
    }, 10_000, 'the counters');
    const { body } = await destinations.call('GET', `/destinations/${destination.id}`);
    expect(body.backlog).toMatchObject({ held_sessions: 0, held_events: 0, dead_letters: 2 });
    expect(body.last_failure).toMatchObject({ status: 503 });
  });

  it('dead-letters at once an event whose receiver answers Argus-No-Retry, and goes on with its session', async () => {
    const app = await application();
    const picky = await receiver();
    const [refused, taken] = sessionEvents(2);
    picky.answerWith((delivery) => (delivery.event.data.path === '/0' ? { status: 422, headers: { 'Argus-No-Retry': 'true' } } : { status: 200 }));
    const destination = await destinations.create({ url: picky.url, filter: { application_id: app.applicationId } });
    const ids = await accept(stack, app.token, [refused, taken]);

    await receivedAll(picky, [ids[1]!], 15_000, 'the next event of the session');
    expect(picky.received.map((delivery) => delivery.event.id)).toEqual(ids);
    const [letter] = await eventually(async () => {
      const rows = await deadLetters(destination.id);
      return rows.length === 1 ? rows : undefined;
    }, 10_000, 'the dead letter');
    expect(letter).toMatchObject({ event_id: ids[0], attempts: 1, last_status: 422, refused_by_receiver: true });
  });

  it('pauses a destination that keeps failing, keeping its backlog, and delivers it once started again', async () => {
    const app = await application();
    const broken = await receiver();
    broken.answerWith(() => ({ status: 500 }));
    const destination = await destinations.create({ url: broken.url, filter: { application_id: app.applicationId } });
    const ids = await accept(stack, app.token, sessionEvents(40));

    const paused = await eventually(async () => {
      const { body } = await destinations.call('GET', `/destinations/${destination.id}`);
      return body.state === 'paused' ? body : undefined;
    }, 15_000, 'the circuit breaker to pause it');
    expect(paused.paused_reason).toMatch(/^no successful delivery since \d{4}-.*; last failure: HTTP 500/);
    await eventually(async () => ((await destinations.consumerCount(destination.id)) === 0 ? true : undefined), 5_000, 'its consumer to be cancelled');
    const { body: held } = await destinations.call('GET', `/destinations/${destination.id}`);
    expect(held.backlog.held_events).toBeGreaterThan(0);
    const lettered = (await deadLetters(destination.id)).map((row) => row.event_id);
    expect(held.backlog.held_events + lettered.length).toBe(ids.length);

    broken.answerWith(() => ({ status: 200 }));
    const started = await destinations.call('POST', `/destinations/${destination.id}/start`);
    expect(started.body).toMatchObject({ state: 'running', paused_reason: null, failing_since: null });
    const rest = ids.filter((id) => !lettered.includes(id));
    await receivedAll(broken, rest, 15_000, 'the backlog after the start');
    expect(acceptedIds(broken)).toEqual(rest);
  });

  describe('the api', () => {
    const url = 'http://127.0.0.1:9/hook';

    it('needs a token with the admin scope', async () => {
      const app = await stack.tokenFor(`app-${randomUUID()}`, ['read', 'write']);
      expect((await fetch(`${stack.baseUrl}/destinations`)).status).toBe(401);
      const refused = await destinations.call('POST', '/destinations', { name: 'x', url }, app.token);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await destinations.call('GET', '/destinations', undefined, app.token)).status).toBe(403);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const app = await application();
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
        [[], 'body'],
      ];
      for (const [body, field] of cases) {
        const { status, body: answer } = await destinations.call('POST', '/destinations', body);
        expect({ body, status, code: answer.error.code }).toEqual({ body, status: 400, code: 'invalid_body' });
        expect(answer.error.details.map((detail: { path: string }) => detail.path)).toContain(field);
        expect(answer.error.message).toContain(field);
      }
      const malformed = await destinations.call('POST', '/destinations', '{"name": ');
      expect(malformed.status).toBe(400);
      expect((await destinations.call('GET', '/destinations')).body.destinations.map((d: { url: string }) => d.url)).not.toContain(url);
    });

    it('answers 404 for an unknown destination and 400 for an id or time that is not one', async () => {
      const unknown = randomUUID();
      for (const [method, path, body] of [
        ['GET', `/destinations/${unknown}`],
        ['POST', `/destinations/${unknown}/start`],
        ['POST', `/destinations/${unknown}/stop`],
        ['POST', `/destinations/${unknown}/replay`, { from: '2023-01-01T00:00:00Z' }],
      ] as const) {
        const answer = await destinations.call(method, path, body);
        expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({ path, status: 404, code: 'not_found' });
      }
      const badId = await destinations.call('GET', '/destinations/42');
      expect(badId.status).toBe(400);
      expect(badId.body.error.details[0].path).toBe('id');

      const created = await destinations.create({ url });
      for (const body of [{}, { from: 'yesterday' }, { from: '2023-02-30T00:00:00Z' }]) {
        const answer = await destinations.call('POST', `/destinations/${created.id}/replay`, body);
        expect(answer.status).toBe(400);
        expect(answer.body.error.details[0].path).toBe('from');
      }
      await destinations.call('POST', `/destinations/${created.id}/stop`);
    });

    it('lists destinations with their state and counters, never their secret', async () => {
      const created = await destinations.create({ name: 'listed', url, filter: { category: 'page interaction' } });
      const { status, body } = await destinations.call('GET', '/destinations');
      expect(status).toBe(200);
      const listed = body.destinations.find((destination: { id: string }) => destination.id === created.id);
      expect(listed).toMatchObject({ name: 'listed', url, state: 'running', delivered: 0, filter: { application_id: null, category: 'page interaction', name: null } });
      expect(JSON.stringify(body)).not.toContain('whsec_');
      await destinations.call('POST', `/destinations/${created.id}/stop`);
    });
  });
});
