import { connect } from 'node:net';
import fc from 'fast-check';
import { eventually } from '@argus/shared/testing';
import { sampleEvent, startStack, type TestStack } from './support/stack.js';

/**
 * Whatever a client sends, the api answers a 202 or a 4xx in the error shape, promptly, and the
 * worker stores every accepted event (as an event or an error): never a 5xx, a hang or a crash.
 */
describe('hostile input', () => {
  let stack: TestStack;
  let token: string;
  const acceptedIds: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker();
    ({ token } = await stack.tokenFor('shop', ['read', 'write']));
  });
  afterAll(() => stack.stop());

  async function send(body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
    const response = await fetch(`${stack.baseUrl}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (response.status === 202) acceptedIds.push(...(JSON.parse(text) as { ids: string[] }).ids);
    else expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    return response.status;
  }

  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const corpus: [name: string, body: string | Buffer, headers?: Record<string, string>][] = [
    ['truncated JSON', '{"session_id": "e2085be5-9137-4e4e-80b5-f1ffddc25423", "categ'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
    ['a 10 MB body', Buffer.alloc(10 * 1024 * 1024, 0x20)],
    ['objects nested 100,000 deep', nested(100_000)],
    ['data nested 200 deep', JSON.stringify(sampleEvent({ data: JSON.parse(nested(200)) }))],
    ['a huge array of numbers', `[${'1,'.repeat(200_000)}1]`],
    ['__proto__ and constructor keys', '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "data": {"__proto__": {"polluted": true}}}'],
    ['numbers in every field', JSON.stringify({ session_id: 1, category: 2, name: 3, data: 4, timestamp: 5 })],
    ['SQL in the fields', JSON.stringify(sampleEvent({ category: "x'); DROP TABLE events; --", data: { host: "' OR 1=1 --", path: '/' } }))],
    ['script in the fields', JSON.stringify(sampleEvent({ name: '<script>alert(1)</script>', data: { host: '<img src=x onerror=alert(1)>', path: '/' } }))],
    ['NUL characters', JSON.stringify(sampleEvent({ category: 'page\u0000interaction' }))],
    ['lone surrogates', '{"category": "\\ud800", "name": "\\udfff"}'],
    ['a huge number', '{"data": {"n": 1e400}, "timestamp": -1e308}'],
    ['form data instead of JSON', 'a=1&b=2', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['JSON in another charset', '{}', { 'Content-Type': 'application/json; charset=latin1' }],
    ['a garbled content type', '{}', { 'Content-Type': ';;;===' }],
    ['a garbled token', '{}', { Authorization: 'Bearer \u00ff\u00fe.garbage.' }],
    ['another scheme', '{}', { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
  ];

  // one argument: jest would take a third parameter for a done callback
  it.each(corpus)('answers %s with a 202 or a clear 4xx', async (...[, body, headers]) => {
    const status = await send(body, headers);
    expect(status === 202 || (status >= 400 && status < 500)).toBe(true);
  });

  it('answers any JSON value or any text with a 202 or a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value)), fc.string(), fc.string({ unit: 'binary' })), async (body) => {
        const status = await send(body);
        return status === 202 || (status >= 400 && status < 500);
      }),
      { numRuns: 150 },
    );
  });

  it('answers any body or path on the schema and destination routes with a clear 2xx or 4xx, never a 5xx', async () => {
    const { token: adminToken } = await stack.tokenFor('operations', ['admin', 'schema', 'read', 'write']);
    const statuses: number[] = [];
    const call = async (method: string, path: string, body?: string) => {
      const response = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      statuses.push(response.status);
      return response.status < 500;
    };
    const segment = fc.oneof(fc.stringMatching(/^[a-z][a-z ]{0,15}$/), fc.string({ minLength: 1 }), fc.constantFrom('%00', '..', '%2F', 'x'.repeat(5000), '__proto__', '%ZZ'));
    const path = (text: string) => encodeURIComponent(text).replaceAll('%25', '%');
    const anyBody = fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value)), fc.string());
    const property = fc.record({ type: fc.constantFrom('string', 'integer', 'object', 'bogus'), minimum: fc.jsonValue(), pattern: fc.string() }, { requiredKeys: ['type'] });
    const schema = fc.oneof(
      fc.jsonValue(),
      fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.string(), property), required: fc.array(fc.string()) }, { requiredKeys: ['type'] }),
    );
    const schemaBody = fc.record({ schema, activate: fc.oneof(fc.boolean(), fc.jsonValue()) }, { requiredKeys: ['schema'] }).map((body) => JSON.stringify(body));
    const destinationBody = fc
      .record(
        {
          name: fc.oneof(fc.string({ minLength: 1 }), fc.jsonValue()),
          url: fc.oneof(fc.constant('http://127.0.0.1:9/hook'), fc.webUrl(), fc.string()),
          filter: fc.oneof(fc.record({ category: fc.string(), name: fc.string() }, { requiredKeys: [] }), fc.jsonValue()),
        },
        { requiredKeys: ['url'] },
      )
      .map((body) => JSON.stringify(body));

    await fc.assert(
      fc.asyncProperty(segment, segment, fc.oneof(anyBody, schemaBody), async (category, name, body) =>
        (await call('POST', `/schemas/${path(category)}/${path(name)}`, body)) &&
        (await call('GET', `/schemas/${path(category)}/${path(name)}?version=${path(name)}`)),
      ),
      { numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyBody, destinationBody), segment, anyBody, async (body, id, replay) =>
        (await call('POST', '/destinations', body)) && (await call('GET', `/destinations/${path(id)}`)) && (await call('POST', `/destinations/${path(id)}/replay`, replay)),
      ),
      { numRuns: 60 },
    );
    // the generators reach past validation too: some schemas and destinations were created
    expect(statuses).toContain(201);
  });

  it('answers hostile query filters with a 200 or a clear 400', async () => {
    const filters = [
      "session_id=' OR 1=1 --",
      'category=%00',
      'from=not-a-date',
      'limit=-1',
      'limit=99999999999999999999',
      'cursor=%7B%7D',
      'data.__proto__.polluted=true',
      'data.a%27%3B%20DROP%20TABLE%20events%3B--=1',
      '__proto__[polluted]=1',
      'constructor.prototype.polluted=1',
    ];
    for (const filter of filters) {
      const response = await fetch(`${stack.baseUrl}/events?${filter}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { events?: unknown[]; error?: { code: string } };
      if (response.status === 200) expect(Array.isArray(body.events)).toBe(true);
      else expect([response.status, body.error?.code]).toEqual([400, 'invalid_parameter']);
    }
  });

  it('refuses __proto__ as a parameter like any other unknown one, on every read', async () => {
    for (const path of ['/events', '/events/errors', '/sessions/e2085be5-9137-4e4e-80b5-f1ffddc25423/events', '/schemas']) {
      const response = await fetch(`${stack.baseUrl}${path}?__proto__=1`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { error?: { code: string; details?: { path: string }[] } };
      expect([path, response.status, body.error?.details?.map((detail) => detail.path)]).toEqual([path, 400, ['__proto__']]);
    }
  });

  it("refuses a replay's time with an offset PostgreSQL cannot read as a 400, not a 500", async () => {
    const { token: admin } = await stack.tokenFor('replays', ['admin']);
    const call = (path: string, body: unknown) =>
      fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` }, body: JSON.stringify(body) });
    const created = await call('/destinations', { name: 'offsets', url: 'https://crm.example.com/argus' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const replay = await call(`/destinations/${id}/replay`, { from: '2023-01-01T00:00:00+16:00' });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { details: { path: string }[] } }).error.details.map((detail) => detail.path)).toEqual(['from']);
  });

  it('answers a method a path does not take with 405 and the methods it does take in Allow', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/events', 'GET, HEAD, POST'],
      ['DELETE', '/events/6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a', 'GET, HEAD'],
      ['PATCH', '/schemas/purchase/checkout', 'GET, HEAD, POST'],
    ] as const) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { error: { code: string } };
      expect([method, path, response.status, response.headers.get('allow'), body.error.code]).toEqual([method, path, 405, allow, 'method_not_allowed']);
    }
    expect((await fetch(`${stack.baseUrl}/nowhere`, { method: 'PUT' })).status).toBe(404);
  });

  it('takes a request line in absolute form, as proxies send it', async () => {
    const { host } = new URL(stack.baseUrl);
    const body = JSON.stringify(sampleEvent());
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(new URL(stack.baseUrl).port), '127.0.0.1', () =>
        socket.write(
          `POST http://${host}/events HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
      socket.on('data', (chunk) => (text += String(chunk))).on('end', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 202 /);
    acceptedIds.push(...(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { ids: string[] }).ids);
  });

  it('stores every accepted event, valid or not, and pollutes no prototype', async () => {
    expect(acceptedIds.length).toBeGreaterThan(0);
    await eventually(async () => {
      const [row] = (await stack.database.db.query(
        `SELECT (SELECT count(*) FROM events WHERE id = ANY($1::uuid[])) + (SELECT count(*) FROM event_errors WHERE event_id = ANY($1::uuid[])) AS stored`,
        [acceptedIds],
      )) as { stored: string }[];
      return Number(row!.stored) === new Set(acceptedIds).size ? true : undefined;
    }, 30_000, 'every accepted hostile event to be stored');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await stack.database.db.query("SELECT to_regclass('events') IS NOT NULL AS present")).toEqual([{ present: true }]);
  });

  it('sends security headers on the ingest path and on every other route', async () => {
    for (const response of [await stack.post(sampleEvent(), { token }), await fetch(`${stack.baseUrl}/health`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
