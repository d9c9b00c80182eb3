import { randomUUID } from 'node:crypto';
import { saveOperator } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { startReceiver } from '../../test/support/receiver.js';
import { sampleEvent } from '../../test/support/stack.js';
import { withConfirmChannel } from '../src/broker.js';
import { loginLimits } from '../src/http/login-throttle.js';
import { replayEventErrors, ReplayFailed } from '../src/replay.js';
import { operator, startAdminStack, type AdminStack } from './admin-stack.js';

describe('admin panel', () => {
  let stack: AdminStack;
  let cookie: string;
  beforeAll(async () => {
    stack = await startAdminStack();
  });
  afterAll(() => stack.stop());

  const logIn = (email: string, password: string) =>
    fetch(`${stack.adminUrl}/login`, { method: 'POST', body: new URLSearchParams({ email, password }), redirect: 'manual' });
  const adminApi = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${stack.adminUrl}/api${path}`, { ...init, headers: { cookie, ...init.headers }, redirect: 'manual' });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any>;
  };
  /** Actions that change something answer a POST; a GET only shows their page. */
  const act = (path: string, fields: Record<string, string> = { confirmed: 'true' }) => adminApi(path, { method: 'POST', body: new URLSearchParams(fields) });
  const errorRow = (eventId: string) =>
    stack.database.db.query('SELECT id, application_id, reasons, replayed_at FROM event_errors WHERE event_id = $1', [eventId]).then((rows) => rows[0]);

  describe('login', () => {
    it('sends every admin page to the login page without a session', async () => {
      for (const path of ['', '/resources/events', '/api/resources/events/actions/list', '/api/dashboard']) {
        const response = await fetch(`${stack.adminUrl}${path}`, { redirect: 'manual' });
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toMatch(/\/admin\/login$/);
      }
    });

    it('refuses a wrong password and an unknown operator', async () => {
      for (const [email, password] of [[operator.email, 'wrong password!'], ['nobody@example.com', operator.password]] as const) {
        const response = await logIn(email, password);
        expect(response.status).toBe(200);
        expect(response.headers.get('set-cookie')).toBeNull();
      }
    });

    it('logs an operator in with an httpOnly, SameSite session cookie kept in PostgreSQL', async () => {
      const response = await logIn(operator.email.toUpperCase(), operator.password);
      expect(response.status).toBe(302);
      const setCookie = response.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/argus_admin=/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      cookie = setCookie.split(';')[0]!;
      const [{ count }] = await stack.database.db.query('SELECT count(*)::int AS count FROM admin_sessions');
      expect(count).toBe(1);
      const [{ last_login_at }] = await stack.database.db.query('SELECT last_login_at FROM operators WHERE email = $1', [operator.email]);
      expect(last_login_at).toBeInstanceOf(Date);
      expect((await adminApi('/resources/events/actions/list')).meta.sortBy).toBe('timestamp');
    });
  });

  describe('replay', () => {
    it('moves a replayed event to events once the rules accept it, so its id lives in one table', async () => {
      const strictWorker = await stack.startWorker({ CLOCK_SKEW_ALLOWANCE_MS: '0' });
      const { token } = await stack.tokenFor('replay-app');
      const eventId = randomUUID();
      const inTenMinutes = new Date(Date.now() + 10 * 60_000).toISOString();
      expect((await stack.post(sampleEvent({ event_id: eventId, session_id: randomUUID(), timestamp: inTenMinutes }), { token })).status).toBe(202);
      const failed = await eventually(() => errorRow(eventId), 10_000, 'the error row');
      expect(JSON.stringify(failed.reasons)).toMatch(/future/);
      await strictWorker.stop();
      await stack.startWorker({ CLOCK_SKEW_ALLOWANCE_MS: String(60 * 60_000) });

      const replayed = await act(`/resources/event_errors/records/${failed.id}/replay`);
      expect(replayed.notice.type).toBe('success');
      expect(replayed.record.params.replayedAt).toBeTruthy();
      const [stored] = await eventually(async () => {
        const rows = await stack.database.db.query('SELECT id, request_id FROM events WHERE id = $1', [eventId]);
        return rows.length > 0 ? rows : undefined;
      });
      expect(stored.request_id).toBe(`replay-${failed.id}`);
      expect(await errorRow(eventId)).toBeUndefined();
    });

    it('changes nothing when a replay is only asked for with a GET (a link, an image on another page)', async () => {
      const { id, eventId } = await storedErrorRow('get-replay-app');
      const page = await adminApi(`/resources/event_errors/records/${id}/replay`);
      expect(page.record.id).toBe(id);
      expect(page.notice).toBeUndefined();
      expect((await errorRow(eventId)).replayed_at).toBeNull();
    });

    it('shows the new reasons and clears the mark when a replay fails again (bulk)', async () => {
      const { token } = await stack.tokenFor('still-broken-app');
      const ids = [randomUUID(), randomUUID()];
      const broken = ids.map((event_id) => sampleEvent({ event_id, session_id: randomUUID(), data: { host: 'example.com', path: '/' } }));
      expect((await stack.post(broken, { token })).status).toBe(202);
      const rows = await Promise.all(ids.map((id) => eventually(() => errorRow(id))));
      expect((await adminApi(`/resources/event_errors/records/${rows[0].id}/show`)).record.params.replayOutcome).toBeNull();
      await stack.database.db.query(`UPDATE event_errors SET reasons = '[]' WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);

      const response = await act(`/resources/event_errors/bulk/replaySelected?recordIds=${rows.map((row) => row.id).join(',')}`);
      expect(response.notice.message).toMatch(/^2 events/);
      for (const id of ids) {
        const again = await eventually(async () => {
          const row = await errorRow(id);
          return row.replayed_at === null && row.reasons.length > 0 ? row : undefined;
        });
        expect(JSON.stringify(again.reasons)).toMatch(/data\.element/);
      }
      // the page tells a replay that failed again from one never made, and names the kind and the reasons
      const { records } = await adminApi(`/resources/event_errors/actions/list?filters.applicationId=${rows[0].application_id}`);
      expect(records).toHaveLength(2);
      for (const record of records) {
        expect(record.params).toMatchObject({ category: 'page interaction', name: 'cta click', replayOutcome: expect.stringMatching(/^failed again when replayed at /) });
        expect(JSON.parse(record.params.reasons)).toEqual([{ path: 'data.element', message: expect.any(String) }]);
      }
    });

    const storedErrorRow = async (application: string) => {
      const { applicationId } = await stack.tokenFor(application);
      const eventId = randomUUID();
      const [{ id }] = await stack.database.db.query(
        `INSERT INTO event_errors (event_id, application_id, raw, reasons, received_at, request_id) VALUES ($1, $2, '{}', '[]', now(), 'request') RETURNING id`,
        [eventId, applicationId],
      );
      return { id: id as string, eventId };
    };

    it('takes the marks back when the broker routes a replay to no queue', async () => {
      const { id, eventId } = await storedErrorRow('unroutable-replay-app');
      const routedNowhere = { db: stack.database.db, amqpUrls: [stack.broker.url], topology: { ...stack.broker.topology, ingestRoutingKey: 'nowhere' } };
      await expect(replayEventErrors(routedNowhere, [id])).rejects.toBeInstanceOf(ReplayFailed);
      expect((await errorRow(eventId)).replayed_at).toBeNull();
    });

    it('tells the operator, without a server error, when the broker takes no replay', async () => {
      const { id, eventId } = await storedErrorRow('unbound-replay-app');
      const { ingestQueue, ingestExchange, ingestRoutingKey } = stack.broker.topology;
      const binding = (change: 'bindQueue' | 'unbindQueue') => withConfirmChannel([stack.broker.url], (channel) => channel[change](ingestQueue, ingestExchange, ingestRoutingKey));
      await binding('unbindQueue');
      try {
        const refused = await act(`/resources/event_errors/records/${id}/replay`);
        expect(refused.notice).toEqual({ type: 'error', message: '1 of 1 replayed events reached no queue' });
        expect(refused.record.params.replayedAt).toBeFalsy();
      } finally {
        await binding('bindQueue');
      }
      expect((await errorRow(eventId)).replayed_at).toBeNull();
    });
  });

  describe('tokens', () => {
    it('issues a token the api accepts, and a revoked one is refused within seconds', async () => {
      const [application] = await stack.database.db.query(`INSERT INTO applications (name, email) VALUES ('panel-app', 'a@example.com') RETURNING id`);
      const issued = await adminApi(`/resources/Application/records/${application.id}/issueToken`, {
        method: 'POST',
        body: new URLSearchParams({ scopes: 'write' }),
      });
      const event = sampleEvent({ session_id: randomUUID() });
      expect((await stack.post(event, { token: issued.token })).status).toBe(202);

      const revoked = await act(`/resources/api_tokens/records/${issued.tokenId}/revoke`);
      expect(revoked.record.params.revokedAt).toBeTruthy();
      await eventually(async () => ((await stack.post(event, { token: issued.token })).status === 401 ? true : undefined), 10_000, 'a 401');
    });

    it('refuses a mistyped scope by name instead of issuing a weaker token', async () => {
      const [application] = await stack.database.db.query(`INSERT INTO applications (name, email) VALUES ('scoped-app', 'b@example.com') RETURNING id`);
      const issue = (scopes: string) =>
        adminApi(`/resources/Application/records/${application.id}/issueToken`, { method: 'POST', body: new URLSearchParams({ scopes }) });
      const tokensOf = () => stack.database.db.query('SELECT scopes FROM api_tokens WHERE application_id = $1', [application.id]);

      const refused = await issue('read, wirte');
      expect(refused.token).toBeUndefined();
      expect(refused.notice).toEqual({ type: 'error', message: expect.stringContaining('unknown scope "wirte"') });
      expect(await tokensOf()).toEqual([]);

      expect((await issue('read, write')).notice.type).toBe('success');
      expect(await tokensOf()).toEqual([{ scopes: ['read', 'write'] }]);
    });
  });

  describe('destinations', () => {
    it('creates a destination showing its secret once, stops it, replays history and a dead letter to it', async () => {
      await stack.startWorker({ DESTINATION_REFRESH_MS: '200' });
      const receiver = await startReceiver();
      try {
        const app = await stack.tokenFor('hooked-app');
        receiver.answerWith(() => ({ status: 400, headers: { 'Argus-No-Retry': 'true' } }));
        const create = (fields: Record<string, string>) =>
          adminApi('/resources/destinations/actions/create', { method: 'POST', body: new URLSearchParams({ category: '', eventName: '', applicationId: '', ...fields }) });
        const refused = await create({ name: 'hook', url: 'ftp://example.com/' });
        expect(refused.notice).toMatchObject({ type: 'error', message: expect.stringContaining('url') });
        const unknownApplication = await create({ name: 'hook', url: receiver.url, applicationId: randomUUID() });
        expect(unknownApplication.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/^applicationId: no application /) });
        expect(await stack.database.db.query('SELECT id FROM destinations')).toEqual([]);
        const created = await create({ name: 'hook', url: receiver.url, applicationId: app.applicationId });
        expect(created.signingSecret).toMatch(/^whsec_/);
        expect(JSON.stringify(created.record.params)).not.toContain('whsec_');
        const destinationId = created.record.id as string;

        const event = sampleEvent({ event_id: randomUUID(), session_id: randomUUID() });
        expect((await stack.post(event, { token: app.token })).status).toBe(202);
        const [letter] = await eventually(async () => {
          const rows = await stack.database.db.query('SELECT id FROM destination_dead_letters WHERE destination_id = $1', [destinationId]);
          return rows.length === 1 ? rows : undefined;
        }, 15_000, 'the refused event to be dead-lettered');

        receiver.answerWith(() => ({ status: 200 }));
        const replayed = await act(`/resources/destination_dead_letters/records/${letter.id}/replay`);
        expect(replayed.notice.message).toMatch(/^1 event sent/);
        expect(replayed.record.params.replayedAt).toBeTruthy();
        await eventually(async () => (receiver.accepted().length === 1 ? true : undefined), 15_000, 'the replayed dead letter');
        expect(receiver.received.map((delivery) => delivery.event.id)).toEqual([event.event_id, event.event_id]);
        expect(new Set(receiver.received.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);

        const stopped = await act(`/resources/destinations/records/${destinationId}/stop`);
        expect(stopped.record.params.state).toBe('stopped');
        const history = await adminApi(`/resources/destinations/records/${destinationId}/replay`, { method: 'POST', body: new URLSearchParams({ from: '2000-01-01T00:00:00Z' }) });
        expect(history.published).toBe(1);
        expect((await act(`/resources/destinations/records/${destinationId}/start`)).record.params.state).toBe('running');
        await eventually(async () => (receiver.accepted().length === 2 ? true : undefined), 15_000, 'the replayed history');

        // without what the delivering worker keeps up to date meanwhile (its view of the receiver and of what waits)
        const destinationRow = async () => {
          const [{ oldest_waiting_at: _oldest, receiver_down_since: _down, next_probe_at: _probe, delivering_worker_id: _worker, ...row }] = await stack.database.db.query('SELECT * FROM destinations WHERE id = $1', [destinationId]);
          return row;
        };
        const settled = await eventually(async () => {
          const row = await destinationRow();
          return row.delivered_count === '2' ? row : undefined;
        }, 15_000, 'the delivery counters');
        // the edit form posts back every field it showed, stale or not: only the name and the URL may change
        const edit = (fields: Record<string, string>) => adminApi(`/resources/destinations/records/${destinationId}/edit`, { method: 'POST', body: new URLSearchParams(fields) });
        const edited = await edit({ name: 'renamed', url: receiver.url, state: 'stopped', deliveredCount: '0', filterCategory: 'x' });
        expect(edited.record.params.name).toBe('renamed');
        expect(await destinationRow()).toEqual({ ...settled, name: 'renamed' });
        const badUrl = await edit({ name: 'renamed again', url: 'ftp://example.com/' });
        expect(badUrl.notice).toEqual({ type: 'error', message: 'url: must be an http or https URL' });
        expect(badUrl.record.errors.url.message).toBe('must be an http or https URL');
        expect(await destinationRow()).toEqual({ ...settled, name: 'renamed' });
        const [{ signing_secret }] = await stack.database.db.query('SELECT signing_secret FROM destinations WHERE id = $1', [destinationId]);
        expect(signing_secret).toBe(created.signingSecret);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('events list', () => {
    it('filters by session id exactly, and answers a malformed one with an empty list', async () => {
      const { token } = await stack.tokenFor('list-app');
      const [mine, other] = [randomUUID(), randomUUID()];
      const events = [mine, mine, other].map((session_id) => sampleEvent({ session_id, event_id: randomUUID() }));
      expect((await stack.post(events, { token })).status).toBe(202);
      await eventually(async () => {
        const [{ count }] = await stack.database.db.query('SELECT count(*)::int AS count FROM events WHERE session_id = ANY($1::uuid[])', [[mine, other]]);
        return count === 3 ? true : undefined;
      });
      const list = (query: string) => adminApi(`/resources/events/actions/list?${query}`);
      const ofSession = await list(`filters.sessionId=${mine}&sortBy=timestamp&direction=asc`);
      expect(ofSession.meta.total).toBe(2);
      expect(ofSession.records.map((record: any) => record.params.sessionId)).toEqual([mine, mine]);
      expect((await list('filters.sessionId=not-a-uuid')).meta.total).toBe(0);
      // category and name match whole kinds, not substrings
      expect((await list(`filters.sessionId=${mine}&filters.name=cta%20clic`)).meta.total).toBe(0);
      expect((await list(`filters.sessionId=${mine}&filters.name=cta%20click`)).meta.total).toBe(2);
    });
  });

  describe('schemas', () => {
    const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields) });
    const versionsOf = (applicationId: string) =>
      stack.database.db.query('SELECT id, version, active FROM event_schemas WHERE application_id = $1 ORDER BY version', [applicationId]);

    it('adds versions, refusing bad JSON and bad schemas with a clear message, activates one and compares two', async () => {
      const { applicationId } = await stack.tokenFor('schema-app');
      const kind = { applicationId, category: 'purchase', name: 'checkout' };
      const add = (fields: Record<string, string>) => adminApi('/resources/event_schemas/actions/addVersion', form({ ...kind, ...fields }));

      expect((await add({ schema: '{"type": "object",' })).notice).toEqual({ type: 'error', message: expect.stringMatching(/^The schema is not valid JSON: /) });
      expect((await add({ schema: '{"type": "object", "propertes": {}}' })).notice).toEqual({
        type: 'error',
        message: 'The schema does not compile: strict mode: unknown keyword: "propertes"',
      });
      expect((await add({ ...kind, applicationId: 'nope', schema: '{}' })).notice.type).toBe('error');
      expect(await versionsOf(applicationId)).toEqual([]);

      const first = await add({ schema: JSON.stringify({ type: 'object', properties: { price: { type: 'number' } } }) });
      expect(first.notice).toEqual({ type: 'success', message: 'Version 1 registered and active' });
      const [v1] = await versionsOf(applicationId);

      const second = await adminApi(`/resources/event_schemas/records/${v1.id}/newVersion`, form({ schema: JSON.stringify({ type: 'object', required: ['price'] }) }));
      expect(second.notice).toEqual({ type: 'success', message: 'Version 2 registered' });
      expect(second.incompatibleChanges).toEqual([
        { path: 'data.price', change: 'required_added', message: 'is newly required' },
      ]);
      const [, v2] = await versionsOf(applicationId);

      const activated = await act(`/resources/event_schemas/records/${v2.id}/activate`);
      expect(activated.notice).toEqual({ type: 'success', message: 'Version 2 is now active' });
      expect((await versionsOf(applicationId)).map((row: { active: boolean }) => row.active)).toEqual([false, true]);

      const compared = await adminApi(`/resources/event_schemas/records/${v2.id}/compare`, form({ left: '2', right: '1' }));
      expect(compared).toMatchObject({ left: 2, right: 1, versions: [{ version: 1 }, { version: 2 }] });
      expect(compared.changes).toEqual([{ path: 'data.price', change: 'type_narrowed', message: 'type changed from any type to number' }]);
    });
  });

  describe('dashboard', () => {
    it('counts what arrived per bucket of the window chosen, per application, with the ingest queue and each destination', async () => {
      const stats = await adminApi('/dashboard');
      expect(stats).toMatchObject({ window: '1h', bucketSeconds: 60, applicationId: null });
      expect(stats.series).toHaveLength(60);
      expect(stats.received).toBeGreaterThanOrEqual(1);
      expect(stats.invalid).toBeGreaterThanOrEqual(3);
      expect(stats.series.reduce((sum: number, bucket: { received: number }) => sum + bucket.received, 0)).toBe(stats.received);
      expect(stats.ingest).toMatchObject({ queueDepth: 0, deadLetterDepth: 0 });
      expect(stats.destinations).toEqual([expect.objectContaining({ name: 'renamed', state: 'running', queueDepth: expect.any(Number), deadLetters: 1 })]);

      const { applicationId } = await stack.tokenFor('still-broken-app');
      const week = await adminApi(`/dashboard?window=7d&applicationId=${applicationId}`);
      expect(week).toMatchObject({ window: '7d', bucketSeconds: 7200, applicationId, received: 0, invalid: 2 });
      expect(week.series).toHaveLength(84);
      // a malformed query is the default view, not an error
      expect((await adminApi('/dashboard?window=1y&applicationId=nope')).window).toBe('1h');
    });

    it('shows operators the dead-lettered messages', async () => {
      await withConfirmChannel([stack.broker.url], async (channel) => {
        channel.publish(stack.broker.topology.deadLetterExchange, '', Buffer.from('poison'), { persistent: true });
        await channel.waitForConfirms();
      });
      expect((await adminApi('/dashboard')).ingest.deadLetterDepth).toBe(1);
    });
  });

  describe('error triage', () => {
    it('groups invalid events by application, kind and reason, lists the events of a group and replays the group', async () => {
      const { token, applicationId } = await stack.tokenFor('triage-app');
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const broken = ids.map((event_id) => sampleEvent({ event_id, session_id: randomUUID(), data: { host: 'example.com', path: '/' } }));
      expect((await stack.post(broken, { token })).status).toBe(202);
      await Promise.all(ids.map((id) => eventually(() => errorRow(id))));

      const { groups } = await adminApi('/pages/triage');
      const group = groups.find((candidate: { applicationId: string }) => candidate.applicationId === applicationId);
      expect(group).toMatchObject({ application: 'triage-app', category: 'page interaction', name: 'cta click', path: 'data.element', count: 3, waiting: 0, failedAgain: 0 });
      const named = { applicationId, category: group.category, name: group.name, path: group.path, message: group.message };
      const page = (fields: Record<string, string>) => adminApi('/pages/triage', { method: 'POST', body: new URLSearchParams(fields) });

      const { events } = await page({ do: 'events', group: JSON.stringify(named) });
      expect(events.map((event: { eventId: string }) => event.eventId).sort()).toEqual([...ids].sort());
      expect((await page({ do: 'replay', group: '{"applicationId": "nope"}' })).notice.type).toBe('error');

      const replayed = await page({ do: 'replay', group: JSON.stringify(named) });
      expect(replayed.notice).toEqual({ type: 'success', message: '3 events of this group sent to the worker again' });
      // the rule still refuses them: the group says so once the worker has decided
      await eventually(async () => {
        const again = (await adminApi('/pages/triage')).groups.find((candidate: { applicationId: string }) => candidate.applicationId === applicationId);
        return again.failedAgain === 3 ? again : undefined;
      }, 15_000, 'the group to show its failed replays');
    });
  });

  describe('live events', () => {
    it('shows the newest events, stored and invalid (with readable reasons), filtered by application and kind', async () => {
      const { token, applicationId } = await stack.tokenFor('live-app');
      const [valid, invalid] = [randomUUID(), randomUUID()];
      const events = [
        sampleEvent({ event_id: valid, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/live' } }),
        sampleEvent({ event_id: invalid, session_id: randomUUID(), data: { host: 'example.com', path: '/live' } }),
      ];
      expect((await stack.post(events, { token })).status).toBe(202);
      const live = (query: string) => adminApi(`/pages/live?${query}`).then((page) => page.events as Record<string, unknown>[]);
      const ofApplication = await eventually(async () => {
        const shown = await live(`applicationId=${applicationId}`);
        return shown.length === 2 ? shown : undefined;
      }, 10_000, 'both events on the live page');
      expect(ofApplication.find((event) => event.eventId === valid)).toMatchObject({ application: 'live-app', name: 'pageview', reasons: null });
      expect(ofApplication.find((event) => event.eventId === invalid)).toMatchObject({
        application: 'live-app',
        name: 'cta click',
        reasons: [expect.stringMatching(/^data\.element: /)],
        errorId: expect.any(String),
      });
      expect((await live(`applicationId=${applicationId}&name=pageview`)).map((event) => event.eventId)).toEqual([valid]);
      expect((await live(`applicationId=${applicationId}&category=purchase`))).toEqual([]);
      // a half-typed filter is "any", not an error
      expect((await live('applicationId=not-a-uuid')).length).toBeGreaterThanOrEqual(2);
    });

    it('filters by user id and by anonymous id, exactly, stored and invalid events alike', async () => {
      const { token, applicationId } = await stack.tokenFor('live-visitors');
      const [ada, adaInvalid, anonymous] = [randomUUID(), randomUUID(), randomUUID()];
      const events = [
        sampleEvent({ event_id: ada, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/' }, user_id: 'ada' }),
        sampleEvent({ event_id: adaInvalid, session_id: randomUUID(), data: { host: 'example.com', path: '/' }, user_id: 'ada' }),
        sampleEvent({ event_id: anonymous, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/' }, anonymous_id: 'anon-1' }),
      ];
      expect((await stack.post(events, { token })).status).toBe(202);
      const live = (query: string) => adminApi(`/pages/live?applicationId=${applicationId}&${query}`).then((page) => page.events as Record<string, unknown>[]);
      await eventually(async () => ((await live('')).length === 3 ? true : undefined), 10_000, 'the three events on the live page');
      expect((await live('userId=ada')).map((event) => event.eventId).sort()).toEqual([ada, adaInvalid].sort());
      expect((await live('userId=ad'))).toEqual([]);
      expect((await live('anonymousId=anon-1'))).toEqual([expect.objectContaining({ eventId: anonymous, userId: null, anonymousId: 'anon-1' })]);
    });
  });

  describe('events', () => {
    it('shows who acted, and filters by user id and by anonymous id exactly', async () => {
      const { token } = await stack.tokenFor('visitors-app');
      const [ada, anonymous] = [randomUUID(), randomUUID()];
      const events = [
        sampleEvent({ event_id: ada, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/' }, user_id: 'ada-events', anonymous_id: 'anon-events-1' }),
        sampleEvent({ event_id: anonymous, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/' }, anonymous_id: 'anon-events-2' }),
      ];
      expect((await stack.post(events, { token })).status).toBe(202);
      await stack.waitUntilStored([ada, anonymous]);
      const list = (filters: string) => adminApi(`/resources/events/actions/list?${filters}`).then((page) => (page.records as { id: string }[]).map((record) => record.id));
      expect(await list('filters.userId=ada-events')).toEqual([ada]);
      expect(await list('filters.userId=ada-event')).toEqual([]); // a part of the id finds nothing
      expect(await list('filters.anonymousId=anon-events-2')).toEqual([anonymous]);
      const { record } = await adminApi(`/resources/events/records/${ada}/show`);
      expect([record.params.userId, record.params.anonymousId]).toEqual(['ada-events', 'anon-events-1']);
    });
  });

  describe('applications', () => {
    it('lands on the page of the new application after creating it', async () => {
      const created = await adminApi('/resources/Application/actions/new', { method: 'POST', body: new URLSearchParams({ name: 'fresh-app', email: 'fresh@example.com' }) });
      expect(created.redirectUrl).toBe(`/admin/resources/Application/records/${created.record.id}/show`);
    });

    it('sets the origins allowed to send with its keys on a POST, refusing what the api refuses with a message naming the line', async () => {
      const { token, applicationId } = await stack.tokenFor('origins-app');
      const path = `/resources/Application/records/${applicationId}/allowedOrigins`;
      const stored = async () => (await stack.database.db.query('SELECT allowed_origins FROM applications WHERE id = $1', [applicationId]))[0].allowed_origins;
      expect((await adminApi(`${path}?allowedOrigins=https://a.example`)).notice).toBeUndefined(); // a GET only shows the page
      expect(await stored()).toBeNull();

      const refused = await act(path, { allowedOrigins: 'https://shop.example.com\nhttps://shop.example.com/' });
      expect(refused.notice).toEqual({ type: 'error', message: expect.stringMatching(/^Not saved: line 2, "https:\/\/shop\.example\.com\/": must be an origin such as/) });
      expect(await stored()).toBeNull();

      const saved = await act(path, { allowedOrigins: ' https://shop.example.com \n\nhttp://localhost:3000' });
      expect(saved.notice).toEqual({ type: 'success', message: 'Saved: 2 origins may send' });
      expect(saved.record.params['allowedOrigins.1']).toBe('http://localhost:3000');
      expect(await stored()).toEqual(['https://shop.example.com', 'http://localhost:3000']);
      const fromOrigin = (origin: string) => stack.post(sampleEvent({ session_id: randomUUID() }), { token, headers: { origin } });
      await eventually(async () => ((await fromOrigin('https://elsewhere.example')).status === 403 ? true : undefined), 10_000, 'a 403');
      expect((await fromOrigin('http://localhost:3000')).status).toBe(202);

      expect((await act(path, { allowedOrigins: '' })).notice).toEqual({ type: 'success', message: 'Saved: any origin may send' });
      expect(await stored()).toBeNull();
    });

    it('disables an application: every token revoked (the api refuses them within seconds) and no new one issued', async () => {
      const [application] = await stack.database.db.query(`INSERT INTO applications (name, email) VALUES ('doomed-app', 'd@example.com') RETURNING id`);
      const issue = () => act(`/resources/Application/records/${application.id}/issueToken`, { scopes: 'write' });
      const tokens = [(await issue()).token, (await issue()).token];
      const event = sampleEvent({ session_id: randomUUID() });
      for (const token of tokens) expect((await stack.post(event, { token })).status).toBe(202);

      expect((await adminApi(`/resources/Application/records/${application.id}/disable`)).notice).toBeUndefined(); // a GET only shows the page
      const disabled = await act(`/resources/Application/records/${application.id}/disable`);
      expect(disabled.notice).toEqual({ type: 'success', message: 'Application disabled: 2 tokens revoked' });
      expect(disabled.record.params.disabledAt).toBeTruthy();
      for (const token of tokens) {
        await eventually(async () => ((await stack.post(event, { token })).status === 401 ? true : undefined), 10_000, 'a 401');
      }
      const refused = await issue();
      expect(refused.token).toBeUndefined();
      expect(refused.notice.type).toBe('error');
      expect(await stack.database.db.query('SELECT count(*)::int AS count FROM api_tokens WHERE application_id = $1', [application.id])).toEqual([{ count: 2 }]);
    });
  });

  describe('records as stored', () => {
    it('shows JSON exactly as PostgreSQL holds it: dotted, numeric and prototype keys, and every digit', async () => {
      const { token } = await stack.tokenFor('json-app');
      const eventId = randomUUID();
      expect((await stack.post(sampleEvent({ event_id: eventId, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/' } }), { token })).status).toBe(202);
      await eventually(async () => ((await stack.database.db.query('SELECT 1 FROM events WHERE id = $1', [eventId])).length === 1 ? true : undefined));
      const stored = '{"0": "zero", "n": 12345678901234567890, "a.b": 1, "path": "/", "constructor": {"x": [1, {}]}}';
      await stack.database.db.query(`UPDATE events SET data = $2::jsonb WHERE id = $1`, [eventId, stored]);
      const [{ text }] = await stack.database.db.query(`SELECT data::text AS text FROM events WHERE id = $1`, [eventId]);

      const { record } = await adminApi(`/resources/events/records/${eventId}/show`);
      expect(record.params.data).toBe(text);
      expect(Object.keys(record.params).filter((key) => key.startsWith('data.'))).toEqual([]);
    });

    it('answers a record or resource that does not exist with a 404, without internals', async () => {
      for (const path of [
        '/resources/events/records/not-a-uuid/show',
        `/resources/events/records/${randomUUID()}/show`,
        '/resources/event_errors/records/12abc/show',
        '/resources/no_such_resource/actions/list',
      ]) {
        const response = await fetch(`${stack.adminUrl}/api${path}`, { headers: { cookie } });
        expect(response.status).toBe(404);
        const body = (await response.json()) as { error: { code: string } };
        expect(body.error.code).toBe('not_found');
        expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
      }
    });
  });

  describe('requests from other pages', () => {
    it('refuses writes another page of the same host sent, and changes nothing', async () => {
      const { applicationId } = await stack.tokenFor('csrf-app');
      const [schema] = await stack.database.db.query(
        `INSERT INTO event_schemas (application_id, category, name, version, active, schema) VALUES ($1, 'purchase', 'refund', 1, false, '{}') RETURNING id`,
        [applicationId],
      );
      const crossSite: Record<string, string>[] = [
        { origin: 'http://127.0.0.1:9', 'sec-fetch-site': 'same-site' },
        { origin: 'http://127.0.0.1:9' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of crossSite) {
        const response = await fetch(`${stack.adminUrl}/api/resources/event_schemas/records/${schema.id}/activate`, {
          method: 'POST',
          headers: { cookie, ...headers },
          body: new URLSearchParams({ confirmed: 'true' }),
        });
        expect(response.status).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
      }
      // nor does the GET an <img> would send
      await adminApi(`/resources/event_schemas/records/${schema.id}/activate`);
      expect((await stack.database.db.query('SELECT active FROM event_schemas WHERE id = $1', [schema.id]))[0].active).toBe(false);

      const sameOrigin = await act(`/resources/event_schemas/records/${schema.id}/activate`);
      expect(sameOrigin.notice).toEqual({ type: 'success', message: 'Version 1 is now active' });
    });
  });

  it('sends security headers (helmet, a Content Security Policy) on every response, signed in or not', async () => {
    const responses = [
      await fetch(`${stack.adminUrl}/login`),
      await fetch(`${stack.adminUrl}/resources/events`, { redirect: 'manual' }),
      await fetch(`${stack.adminUrl}/api/dashboard`, { headers: { cookie } }),
    ];
    for (const response of responses) {
      const policy = Object.fromEntries(
        response.headers.get('content-security-policy')!.split(';').map((directive) => {
          const [name, ...sources] = directive.trim().split(/\s+/);
          return [name, sources.join(' ')];
        }),
      );
      expect(policy).toMatchObject({ 'default-src': "'self'", 'script-src': "'self' 'unsafe-inline'", 'object-src': "'none'", 'frame-ancestors': "'self'" });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  // last: it leaves this test's address throttled
  describe('login throttling', () => {
    const pausedPage = async (response: Response) => {
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(await response.text()).toContain('Too many login attempts');
    };

    it('pauses logins to an account after 10 attempts in 15 minutes, even with the right password, and not other accounts', async () => {
      const target = { email: 'target@example.com', password: 'a long enough password' };
      await saveOperator(stack.database.db, target);
      const answers = await Promise.all(Array.from({ length: 20 }, () => logIn(target.email, 'wrong password!')).map((answer) => answer.then((r) => r.status)));
      // parallel guesses are counted before any password is checked: only 10 are answered
      expect(answers.filter((status) => status === 200)).toHaveLength(loginLimits.account.attempts);
      expect(answers.filter((status) => status === 429)).toHaveLength(20 - loginLimits.account.attempts);
      await pausedPage(await logIn(target.email.toUpperCase(), target.password));
      expect((await logIn(operator.email, operator.password)).status).toBe(302);
    });

    it('pauses every login from an address after 50 attempts in an hour', async () => {
      await Promise.all(Array.from({ length: loginLimits.address.attempts }, (_, i) => logIn(`nobody-${i}@example.com`, 'wrong password!')));
      await pausedPage(await logIn(operator.email, operator.password));
    });
  });
});
