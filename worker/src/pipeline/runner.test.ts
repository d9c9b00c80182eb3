import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { decodeIngestMessage, encodeIngestMessage, encodeIngestRequest, PublishUnconfirmed, type StoredEventMessage } from '@argus/shared';
import { silentLog } from '@argus/shared/testing';
import { createMemoryEventStore, type MemoryEventStore } from '../storage/memory-event-store.js';
import type { SchemaChecker } from '../schemas/schema-checker.js';
import { SchemaThreadUnavailable } from '../schemas/schema-pool.js';
import { createValidatorRegistry, registerBuiltInValidators } from '../validation/registry.js';
import { runPipeline, type PipelineDeps } from './runner.js';

const shop = '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10';
const rival = '7d4c2a9e-1b3f-4e6a-8c5d-9f0e1a2b3c4d';
const valid = (extra: Record<string, unknown> = {}) => ({
  session_id: randomUUID(),
  category: 'page interaction',
  name: 'pageview',
  data: { host: 'example.com', path: '/' },
  timestamp: '2023-01-01 09:15:27.243860',
  ...extra,
});
type Sent = { id: string; raw: unknown };
const sent = (raw: unknown): Sent => ({ id: randomUUID(), raw });
const message = (...requests: { application: string; events: Sent[]; replay?: true }[]) =>
  encodeIngestMessage(
    requests.map(({ application, events, replay }) =>
      encodeIngestRequest(
        { application_id: application, request_id: randomUUID(), received_at: '2023-01-02T00:00:00.000Z', ...(replay ? { replay } : {}) },
        events.map((event) => ({ id: event.id, json: JSON.stringify(event.raw) })),
      ),
    ),
  );

/** Schemas as a table by category: `throws` fails every check, `slow` runs over budget. */
const fakeSchemas: SchemaChecker = {
  check: async (subjects) =>
    subjects.map((subject) => {
      if (subject.category === 'throws') return { problems: [{ path: 'data', message: 'cannot be checked: Maximum call stack size exceeded' }], version: 1 };
      if (subject.category === 'slow') return { problems: [{ path: 'schema_version', message: 'exceeded 50 ms' }], version: 1 };
      if (subject.category === 'costly') return { problems: [], version: 1, deferred: true };
      return { problems: [], version: null };
    }),
};

function pipeline(store: MemoryEventStore, published: StoredEventMessage[] = [], deferred: Buffer[] = []): PipelineDeps {
  return {
    normalise: { clockSkewAllowanceMs: 60_000 },
    check: { registry: registerBuiltInValidators(createValidatorRegistry()), schemas: fakeSchemas, reasons: { maxReasons: 20, maxReasonLength: 300 }, log: silentLog },
    store,
    stream: { publish: async (events) => void published.push(...events) },
    deferrals: { defer: async (message) => void deferred.push(message) },
    retry: { initialDelayMs: 1, maxDelayMs: 5, signal: new AbortController().signal, log: silentLog },
    log: silentLog,
  };
}

const storeOf = () => createMemoryEventStore({ [shop]: 'shop', [rival]: 'rival' });

describe('the pipeline runner', () => {
  it('stores valid events, keeps invalid ones with their reasons, publishes the stored ones, and acks', async () => {
    const store = storeOf();
    const published: StoredEventMessage[] = [];
    const good = sent(valid());
    const bad = sent(valid({ data: { host: 'example.com' } }));
    expect(await runPipeline([message({ application: shop, events: [good, bad] })], pipeline(store, published))).toEqual(['ack']);
    expect([...store.events.keys()]).toEqual([good.id]);
    expect(store.errors.get(`${shop}/${bad.id}`)?.reasons).toEqual([{ path: 'data.path', message: 'Invalid input: expected string, received undefined' }]);
    expect(published.map((event) => [event.id, event.application])).toEqual([[good.id, 'shop']]);
  });

  it('dead-letters only the message that cannot be decoded', async () => {
    const store = storeOf();
    const good = sent(valid());
    expect(await runPipeline([Buffer.from('{"v":1,"requests":"no"}'), message({ application: shop, events: [good] })], pipeline(store))).toEqual(['dead-letter', 'ack']);
    expect(store.events.has(good.id)).toBe(true);
  });

  it("stores a neighbour's events once when the database refuses one event's row, and keeps that one as an error with the database's reason", async () => {
    const store = storeOf();
    const poisoned = sent(valid({ data: { host: 'example.com', path: '/', refuse: true } }));
    const neighbour = sent(valid());
    store.refuses = (row) => 'data' in row && (row.data as { refuse?: boolean }).refuse === true;
    expect(await runPipeline([message({ application: shop, events: [poisoned] }, { application: rival, events: [neighbour] })], pipeline(store))).toEqual(['ack']);
    expect([...store.events.keys()]).toEqual([neighbour.id]);
    expect(store.errors.get(`${shop}/${poisoned.id}`)?.reasons).toEqual([{ path: '', message: 'refused by the database: date/time field value out of range' }]);
  });

  it('discards the events of an application that no longer exists, and stores its neighbours', async () => {
    const store = storeOf();
    const orphan = sent(valid());
    const neighbour = sent(valid());
    const gone = randomUUID();
    expect(await runPipeline([message({ application: gone, events: [orphan] }, { application: shop, events: [neighbour] })], pipeline(store))).toEqual(['ack']);
    expect([...store.events.keys()]).toEqual([neighbour.id]);
    expect(store.errors.size).toBe(0);
  });

  it('retries the store while the database is away, and acks only once it stored the batch', async () => {
    const store = storeOf();
    store.down = true;
    const good = sent(valid());
    const running = runPipeline([message({ application: shop, events: [good] })], pipeline(store));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.events.size).toBe(0);
    store.down = false;
    expect(await running).toEqual(['ack']);
    expect(store.events.has(good.id)).toBe(true);
  });

  it("sends an event back to the queue, as it came, when its application has taken its share of the batch, and decides its neighbours now", async () => {
    const store = storeOf();
    const deferred: Buffer[] = [];
    const costly = sent(valid({ category: 'costly', data: JSON.parse('{"__proto__":"kept","n":1}') }));
    const neighbour = sent(valid());
    expect(await runPipeline([message({ application: shop, events: [costly] }, { application: rival, events: [neighbour] })], pipeline(store, [], deferred))).toEqual(['ack']);
    expect([...store.events.keys()]).toEqual([neighbour.id]);
    expect(store.errors.size).toBe(0);
    const [again] = deferred.map((content) => decodeIngestMessage(content));
    expect(again).toMatchObject({ ok: true, message: { requests: [{ application_id: shop, events: [{ id: costly.id }] }] } });
    expect(JSON.stringify(again?.ok && again.message.requests[0]!.events[0]!.raw)).toBe(JSON.stringify(costly.raw));
  });

  it('publishes again only what the broker did not confirm: a failover multiplies nothing downstream', async () => {
    const store = storeOf();
    const events = Array.from({ length: 6 }, (_, index) => sent(valid({ timestamp: `2023-01-01 09:15:2${index}.243860` })));
    const received: string[] = [];
    let attempts = 0;
    const deps = pipeline(store);
    // the first attempt's channel falls in an election after three confirms: the rest are nacked
    deps.stream = {
      publish: async (batch, onConfirmed = () => {}) => {
        attempts += 1;
        for (const [index, event] of batch.entries()) {
          if (attempts === 1 && index >= 3) throw new PublishUnconfirmed('the broker did not confirm a message: nack');
          received.push(event.id);
          onConfirmed(event.id);
        }
      },
    };
    expect(await runPipeline([message({ application: shop, events })], deps)).toEqual(['ack']);
    expect(attempts).toBe(2);
    expect(received).toEqual(events.map((event) => event.id));
  });

  it('waits while the schema thread cannot start, and hands any other error of a step to the consumer at once', async () => {
    const store = storeOf();
    const good = sent(valid());
    let failures = 2;
    const flaky: SchemaChecker = {
      check: async (subjects) => {
        if (failures-- > 0) throw new SchemaThreadUnavailable('cannot start the schema thread');
        return fakeSchemas.check(subjects);
      },
    };
    const deps = pipeline(store);
    expect(await runPipeline([message({ application: shop, events: [good] })], { ...deps, check: { ...deps.check, schemas: flaky } })).toEqual(['ack']);
    const buggy: SchemaChecker = { check: async () => Promise.reject(new TypeError('a bug')) };
    await expect(runPipeline([message({ application: shop, events: [sent(valid())] })], { ...deps, check: { ...deps.check, schemas: buggy } })).rejects.toThrow('a bug');
  });

  it("keeps an event id in one table: a retry of an invalid event stays an error, until an operator's replay moves it", async () => {
    const store = storeOf();
    const id = randomUUID();
    const future = { id, raw: valid({ timestamp: '2023-01-02T00:01:05Z' }) };
    await runPipeline([message({ application: shop, events: [future] })], pipeline(store));
    const retry = { id, raw: valid({ timestamp: '2023-01-01T23:59:00Z' }) };
    await runPipeline([message({ application: shop, events: [retry] })], pipeline(store));
    expect(store.events.has(id)).toBe(false);
    expect(store.errors.has(`${shop}/${id}`)).toBe(true);
    await runPipeline([message({ application: shop, events: [retry], replay: true })], pipeline(store));
    expect(store.events.has(id)).toBe(true);
    expect(store.errors.has(`${shop}/${id}`)).toBe(false);
    // and a stored event's invalid copy is not kept beside it
    await runPipeline([message({ application: shop, events: [future] })], pipeline(store));
    expect(store.errors.has(`${shop}/${id}`)).toBe(false);
  });

  it('decides the fate of each event alone, whatever its neighbours in the same messages hold', async () => {
    const hostile = fc.oneof(
      fc.constant(valid({ timestamp: '0000-01-01 00:00:00' })),
      fc.constant(valid({ timestamp: '9999-12-31T23:59:59-14:00', sent_at: '9999-12-31T23:59:59-14:00' })),
      fc.constant(valid({ timestamp: '0001-01-01 00:00:00', sent_at: '9999-12-31 00:00:00' })),
      fc.constant(valid({ timestamp: '2099-01-01 00:00:00', session_id: 'x' })),
      fc.constant(valid({ category: 'throws' })),
      fc.constant(valid({ category: 'slow' })),
      fc.constant(valid({ data: { text: 'nul \u0000' } })),
      fc.constant(valid({ data: JSON.parse('{"s": "\\ud800"}') })),
      fc.constant(valid({ data: { deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) } })),
      fc.constant(valid({ data: { big: 1e308, refuse: true } })),
      fc.jsonValue(),
    );
    const application = fc.constantFrom(shop, rival);
    const entry = fc.record({ application, valid: fc.boolean(), hostile });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(entry, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), async (messages) => {
        const store = storeOf();
        store.refuses = (row) => 'data' in row && (row.data as { refuse?: boolean }).refuse === true;
        const built = messages.map((entries) => entries.map((e) => ({ application: e.application, event: sent(e.valid ? valid() : e.hostile) })));
        const dispositions = await runPipeline(
          built.map((entries) => message(...entries.map(({ application, event }) => ({ application, events: [event] })))),
          pipeline(store),
        );
        expect(dispositions.every((disposition) => disposition === 'ack')).toBe(true);
        for (const [index, entries] of messages.entries()) {
          entries.forEach((e, position) => {
            const { application: app, event } = built[index]![position]!;
            if (e.valid) expect(store.events.get(event.id)?.applicationId).toBe(app);
            else expect(store.events.has(event.id) || store.errors.has(`${app}/${event.id}`)).toBe(true);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
