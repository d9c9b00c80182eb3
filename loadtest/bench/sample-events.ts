import { randomUUID } from 'node:crypto';

const hosts = ['www.consumeraffairs.com', 'shop.example.com', 'docs.example.org'];
const paths = ['/', '/pricing', '/reviews/cars', '/checkout', '/help'];

/**
 * Realistic, varied events: several kinds, many sessions, about 5 % invalid (missing a required
 * field), so the benchmark exercises validation and event_errors as production traffic would.
 */
export function sampleEvent(index: number, sessions: readonly string[]): Record<string, unknown> {
  const session_id = sessions[index % sessions.length];
  const host = hosts[index % hosts.length];
  const path = paths[index % paths.length];
  const timestamp = new Date(Date.now() - (index % 1000) * 1000).toISOString();
  switch (index % 4) {
    case 0:
      return { session_id, category: 'page interaction', name: 'pageview', data: { host, path }, timestamp };
    case 1:
      return index % 20 === 1
        ? { session_id, category: 'page interaction', name: 'cta click', data: { host, path }, timestamp }
        : { session_id, category: 'page interaction', name: 'cta click', data: { host, path, element: 'chat bubble' }, timestamp };
    case 2:
      return { session_id, category: 'form interaction', name: 'submit', data: { host, path, form: { first_name: 'John', last_name: 'Doe' } }, timestamp };
    default:
      return { session_id, category: 'activity', name: 'deploy', data: { component: 'api', environment: 'production', email: 'ade@example.com' }, timestamp };
  }
}

export const newSessions = (count: number) => Array.from({ length: count }, () => randomUUID());

/**
 * The same events as Segment track calls (`{batch: [...]}` bodies of `size` calls) and as POST
 * /events batches, so that the two routes are compared on equal work.
 */
export function segmentAndArgusBodies(count: number, size: number): { segment: string[]; argus: string[] } {
  const sessions = newSessions(500);
  const requests = Array.from({ length: count }, (_, request) =>
    Array.from({ length: size }, (_, offset) => {
      const index = request * size + offset;
      const event = sampleEvent(index, sessions) as { session_id: string; name: string; data: Record<string, unknown>; timestamp: string };
      // no messageId, as the events carry no event_id: the bench cycles through these bodies, and
      // a repeated id would be stored once, short of the count it waits for
      return { event, call: { type: 'track', anonymousId: event.session_id, event: event.name, properties: event.data, timestamp: event.timestamp } };
    }),
  );
  return {
    segment: requests.map((pairs) => JSON.stringify({ batch: pairs.map((pair) => pair.call) })),
    argus: requests.map((pairs) => JSON.stringify(pairs.map((pair) => pair.event))),
  };
}

/** Request bodies to cycle through: `size` events each (a bare object when size is 1). */
export function requestBodies(count: number, size: number): string[] {
  const sessions = newSessions(500);
  return Array.from({ length: count }, (_, request) => {
    const events = Array.from({ length: size }, (_, offset) => sampleEvent(request * size + offset, sessions));
    return JSON.stringify(size === 1 ? events[0] : events);
  });
}
