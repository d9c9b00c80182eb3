import { randomUUID } from 'node:crypto';
import amqp, { type ConsumeMessage } from 'amqplib';
import type { StoredEventMessage } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/** Answers read loosely: each test states the shape it expects. */
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
type Settled = { place: 'event' | 'error'; schema_version: number | null; reasons: { path: string; message: string }[] | null };

const purchase = { category: 'purchase', name: 'checkout' };
const checkoutPath = '/schemas/purchase/checkout';
const priceSchema = (type: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['price'],
  properties: { price: { type }, currency: { enum: ['EUR', 'USD'] } },
  ...extra,
});

describe('the schema registry: JSON Schemas per application and kind, checked by the worker', () => {
  let stack: TestStack;
  let shop: { token: string; applicationId: string };
  let shopWriter: string;
  let blogWriter: string;
  let blog: { token: string; applicationId: string };
  let admin: string;

  beforeAll(async () => {
    stack = await startStack();
    shop = await stack.tokenFor('shop', ['schema', 'read']);
    ({ token: shopWriter } = await stack.tokenFor('shop'));
    blog = await stack.tokenFor('blog', ['schema']);
    ({ token: blogWriter } = await stack.tokenFor('blog'));
    ({ token: admin } = await stack.tokenFor('ops', ['admin']));
    // registered before the worker starts: its first load holds them
    expect((await register(checkoutPath, { schema: priceSchema('number') })).status).toBe(201);
    expect((await register('/schemas/page%20interaction/cta%20click', { schema: { type: 'object', required: ['campaign'] } })).status).toBe(201);
    await stack.startWorker({ SCHEMA_REFRESH_MS: '200' });
  });
  afterAll(() => stack.stop());

  function register(path: string, body: unknown, token = shop.token, headers: Record<string, string> = {}): Promise<JsonResponse> {
    return fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
  const get = (path: string, token = shop.token): Promise<JsonResponse> => fetch(`${stack.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const activate = (version: number, token = shop.token): Promise<JsonResponse> =>
    fetch(`${stack.baseUrl}${checkoutPath}/versions/${version}/activate`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });

  /** Posts one event (as the shop unless told) and waits until the worker has stored it, as an event or an error. */
  async function send(event: Record<string, unknown>, token = shopWriter): Promise<Settled & { id: string }> {
    const response = await stack.post({ ...event, session_id: randomUUID() }, { token });
    expect(response.status).toBe(202);
    const [id] = ((await response.json()) as { ids: string[] }).ids as [string];
    return eventually(async () => {
      const [row] = await stack.database.db.query<Settled[]>(
        `SELECT 'event' AS place, schema_version, NULL::jsonb AS reasons FROM events WHERE id = $1
         UNION ALL SELECT 'error', NULL, reasons FROM event_errors WHERE event_id = $1`,
        [id],
      );
      return row && { ...row, id };
    }, 10_000, 'the event to be stored');
  }
  const checkout = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => sampleEvent({ ...purchase, data, ...extra });

  it('stores events whose data the active schema accepts, with its version, and keeps the others with ajv reasons', async () => {
    expect(await send(checkout({ price: 12.5, currency: 'EUR' }))).toMatchObject({ place: 'event', schema_version: 1, reasons: null });
    expect(await send(checkout({ price: 'twelve', currency: 'GBP' }))).toMatchObject({
      place: 'error',
      schema_version: null,
      reasons: [
        { path: 'data.price', message: 'must be number' },
        { path: 'data.currency', message: 'must be one of "EUR", "USD"' },
      ],
    });
    expect(await send(checkout({}))).toMatchObject({ place: 'error', reasons: [{ path: 'data.price', message: 'is required' }] });
    // another application's events of the same kind are not held to the shop's schema
    expect(await send(checkout({ price: 'free' }), blogWriter)).toMatchObject({ place: 'event', schema_version: null, reasons: null });
  });

  it("reports the kind's code rules and its schema's together", async () => {
    const settled = await send(sampleEvent({ data: { host: 'example.com', path: '/' } }));
    expect(settled.reasons).toEqual([
      { path: 'data.element', message: 'Invalid input: expected string, received undefined' },
      { path: 'data.campaign', message: 'is required' },
    ]);
    expect(await send(sampleEvent({ data: { host: 'example.com', path: '/', element: 'button', campaign: 'spring' } }))).toMatchObject({
      place: 'event',
      schema_version: 1,
    });
  });

  it('reports incompatible changes when a version is registered, and keeps the active one until told', async () => {
    const response = await register(checkoutPath, { schema: priceSchema('string', { required: ['price', 'currency'], additionalProperties: false }) });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/schemas/purchase/checkout?version=2');
    const body = await response.json();
    expect(body).toMatchObject({ application_id: shop.applicationId, ...purchase, version: 2, active: false, compared_with_version: 1 });
    expect(body.incompatible_changes).toEqual([
      { path: 'data.currency', change: 'required_added', message: 'is newly required' },
      { path: 'data', change: 'additional_properties_closed', message: 'no longer allows properties beyond those it lists' },
      { path: 'data.price', change: 'type_narrowed', message: 'type changed from number to string' },
    ]);
    expect((await (await get(checkoutPath)).json()).version).toBe(1);
    expect((await (await get(`${checkoutPath}?version=2`)).json()).schema.properties.price).toEqual({ type: 'string' });
  });

  it('applies an activated version within seconds, without restarting the worker; an event may still name the old one', async () => {
    const activated = await activate(2);
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ version: 2, active: true });
    expect((await (await get(checkoutPath)).json()).version).toBe(2);

    // each attempt is a new event: the first ones may still meet version 1, until the worker rereads the registry
    const storedUnderTwo = await eventually(async () => {
      const settled = await send(checkout({ price: '12.50', currency: 'EUR' }));
      return settled.place === 'event' ? settled : undefined;
    }, 15_000, 'version 2 to apply');
    expect(storedUnderTwo.schema_version).toBe(2);
    expect(await send(checkout({ price: 12.5, currency: 'EUR' }))).toMatchObject({ place: 'error', reasons: [{ path: 'data.price', message: 'must be string' }] });

    expect(await send(checkout({ price: 12.5 }, { schema_version: 1 }))).toMatchObject({ place: 'event', schema_version: 1, reasons: null });
    expect(await send(checkout({ price: 12.5 }, { schema_version: 9 }))).toMatchObject({
      place: 'error',
      reasons: [{ path: 'schema_version', message: 'no version 9 of a schema is registered for this kind' }],
    });
    const read = await get(`/events?category=purchase&limit=1000`);
    const events = (await read.json()).events as { schema_version: number | null }[];
    expect(new Set(events.map((event) => event.schema_version))).toEqual(new Set([1, 2]));
  }, 30_000);

  it('publishes to the stream of stored events what the schema let through, with its version, and nothing it refused', async () => {
    const connection = await amqp.connect(stack.broker.url);
    try {
      const channel = await connection.createChannel();
      const subscribe = async (pattern: string) => {
        const { queue } = await channel.assertQueue('', { exclusive: true });
        await channel.bindQueue(queue, stack.broker.topology.storedEventsExchange, pattern);
        const received: StoredEventMessage[] = [];
        await channel.consume(queue, (message: ConsumeMessage | null) => message && received.push(JSON.parse(message.content.toString())), { noAck: true });
        return received;
      };
      const pageInteractions = await subscribe('shop.page_interaction.*');
      const everything = await subscribe('#');

      const click = { host: 'example.com', path: '/', element: 'button', campaign: 'spring' };
      const valid = [await send(sampleEvent({ data: click })), await send(sampleEvent({ name: 'pageview', data: { host: 'example.com', path: '/' } }))];
      const refused = await send(sampleEvent({ data: { ...click, campaign: undefined } }));
      const otherKind = await send(checkout({ price: '1', currency: 'EUR' }));
      const otherApplication = await send(sampleEvent({ data: { host: 'example.com', path: '/', element: 'button' } }), blogWriter);
      expect([...valid, otherKind, otherApplication].map((settled) => settled.place)).toEqual(['event', 'event', 'event', 'event']);
      expect(refused.place).toBe('error');

      await eventually(async () => (everything.length >= 4 ? true : undefined), 10_000, 'the stored events to be published');
      expect(pageInteractions.map((event) => [event.id, event.schema_version])).toEqual([
        [valid[0]!.id, 1],
        [valid[1]!.id, null],
      ]);
      expect(everything.map((event) => event.id).sort()).toEqual([...valid, otherKind, otherApplication].map((settled) => settled.id).sort());
    } finally {
      await connection.close();
    }
  });

  it("lists the application's kinds with their versions and which is active", async () => {
    const response = await get('/schemas');
    expect(response.status).toBe(200);
    const { schemas } = await response.json();
    expect(schemas).toEqual([
      { category: 'page interaction', name: 'cta click', active_version: 1, versions: [{ version: 1, active: true, created_at: expect.any(String) }] },
      {
        ...purchase,
        active_version: 2,
        versions: [
          { version: 1, active: false, created_at: expect.any(String) },
          { version: 2, active: true, created_at: expect.any(String) },
        ],
      },
    ]);
    // activations racing each other take turns: every one succeeds and one version stays active
    const racing = await Promise.all([activate(1), activate(2), activate(1), activate(2)]);
    expect(racing.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const [{ count }] = await stack.database.db.query(`SELECT count(*)::int AS count FROM event_schemas WHERE active AND category = 'purchase'`);
    expect(count).toBe(1);
    expect((await activate(2)).status).toBe(200);
  });

  it("refuses a schema that does not compile with the compiler's message", async () => {
    const response = await register(checkoutPath, { schema: { type: 'object', properties: { price: { type: 'nubmer' } } } });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('invalid_schema');
    expect(error.message).toMatch(/^schema is invalid: data\/properties\/price\/type must be equal to one of the allowed values/);
    const typo = await (await register(checkoutPath, { schema: { type: 'object', propertes: {} } })).json();
    expect(typo.error.message).toBe('strict mode: unknown keyword: "propertes"');
    expect((await (await get('/schemas')).json()).schemas[1].versions).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', '{"schema": ', {}, 400, 'invalid_json'],
    ['a body of another shape', { schema: { type: 'object' }, colour: 'blue' }, {}, 400, 'invalid_body'],
    ['a schema that is not an object', { schema: 'object' }, {}, 400, 'invalid_body'],
    ['a schema PostgreSQL cannot hold (NUL)', '{"schema": {"description": "a\\u0000b"}}', {}, 400, 'invalid_schema'],
    ['a schema PostgreSQL cannot hold (lone surrogate)', '{"schema": {"description": "\\ud800"}}', {}, 400, 'invalid_schema'],
    ['a body over the limit', { schema: { description: 'x'.repeat(300 * 1024) } }, {}, 413, 'body_too_large'],
    ['another content type', '{"schema": {}}', { 'Content-Type': 'text/plain' }, 415, 'unsupported_media_type'],
  ])('answers %s with a 4xx naming the problem', async (_what, body, headers, status, code) => {
    const response = await register(checkoutPath, body, shop.token, headers);
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  });

  it('answers 404 for an unknown kind or version, and 400 for a version that is not one', async () => {
    expect((await get('/schemas/purchase/refund')).status).toBe(404);
    expect((await get(`${checkoutPath}?version=3`)).status).toBe(404);
    expect((await activate(3)).status).toBe(404);
    const notAVersion = await get(`${checkoutPath}?version=two`);
    expect(notAVersion.status).toBe(400);
    expect((await notAVersion.json()).error.details).toEqual([{ path: 'version', message: expect.any(String) }]);
    expect((await get(`/schemas/purchase/${encodeURIComponent('x\u0000')}`)).status).toBe(400);
  });

  it('needs the schema scope, and shows each application only its own schemas', async () => {
    expect((await register(checkoutPath, { schema: {} }, shopWriter)).status).toBe(403);
    expect((await get('/schemas', shopWriter)).status).toBe(403);
    expect((await get('/schemas', blog.token).then((response) => response.json())).schemas).toEqual([]);
    expect((await get(checkoutPath, blog.token)).status).toBe(404);
    expect((await get(`/schemas?application_id=${shop.applicationId}`, blog.token)).status).toBe(403);
    expect((await activate(1, blog.token)).status).toBe(404);
  });

  it('lets an admin token act for another application', async () => {
    expect((await (await get(`${checkoutPath}?application_id=${shop.applicationId}`, admin)).json()).version).toBe(2);
    const registered = await register(`/schemas/post/published?application_id=${blog.applicationId}`, { schema: { type: 'object' } }, admin);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ application_id: blog.applicationId, version: 1, active: true, compared_with_version: null, incompatible_changes: [] });
    const location = registered.headers.get('location')!;
    expect(location).toBe(`/schemas/post/published?version=1&application_id=${blog.applicationId}`);
    expect(await (await get(location, admin)).json()).toMatchObject({ application_id: blog.applicationId, version: 1 });
    expect((await (await get('/schemas', blog.token)).json()).schemas).toMatchObject([{ category: 'post', name: 'published', active_version: 1 }]);
    expect((await register(`/schemas/post/published?application_id=${randomUUID()}`, { schema: {} }, admin)).status).toBe(404);
    expect((await get(`/schemas?application_id=${randomUUID()}`, admin)).status).toBe(404);
  });
});
