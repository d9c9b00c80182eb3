import { incomingEventSchema, parseTimestamp } from '@argus/shared';
import { prepareEvent } from './prepare-event.js';

/**
 * The client has no runtime dependencies, so it cannot import the service's event contract; this
 * test holds what it sends to that contract instead: every field it writes is one the service
 * knows, in the form the service reads.
 */
describe('what the client sends, against the event contract', () => {
  const contract = incomingEventSchema();
  const base = { sessionId: 'e2085be5-9137-4e4e-80b5-f1ffddc25423', category: 'page interaction', name: 'pageview', data: { host: 'a.com', path: '/' } } as const;

  it.each([
    ['a timestamp it makes', {}],
    ['a Date', { timestamp: new Date('2023-01-01T09:15:27.243Z') }],
    ['an ISO string', { timestamp: '2023-01-01T09:15:27.243860Z' }],
    ['a schema version and an event id', { schemaVersion: 2, eventId: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a' }],
  ])('sends an event the contract accepts with %s', (_, extra) => {
    const queued = prepareEvent({ ...base, ...extra }, 1, 32 * 1024);
    const sent = JSON.parse(queued.json);
    expect(contract.safeParse(sent).error?.issues ?? []).toEqual([]);
    expect(parseTimestamp(sent.timestamp)).toBeDefined();
    expect(sent.event_id).toBe(queued.id);
  });
});
