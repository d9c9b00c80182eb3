// k6 load test for a running Argus: `make loadtest` or
//   k6 run -e BASE_URL=https://argus.example.com -e TOKEN=<token> loadtest/k6/events.js
// With -e DEAD_DESTINATION_URL=<a url nothing answers> -e ADMIN_TOKEN=<token of the admin scope>
// (`DEAD_DESTINATION=1 make loadtest`), a destination taking every event is created at that url
// for the run and stopped after it: the same thresholds must hold with a receiver that is down.
// Plain k6 JavaScript (k6/* modules only), so any k6 runs it unchanged.
import http from 'k6/http';
import { check } from 'k6';

const baseUrl = __ENV.BASE_URL || 'http://localhost:8000';
const token = __ENV.TOKEN;
const params = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } };
const deadDestinationUrl = __ENV.DEAD_DESTINATION_URL;
const adminParams = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${__ENV.ADMIN_TOKEN}` } };

export const options = {
  scenarios: {
    // single events at a rising, then steady, arrival rate
    single_events: {
      executor: 'ramping-arrival-rate',
      exec: 'postSingleEvent',
      startRate: 50,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 1000,
      stages: [
        { target: 2000, duration: '1m' },
        { target: 2000, duration: '1m' },
      ],
    },
    // batches of 100 events at a constant rate: 5,000 events/s
    batches: {
      executor: 'constant-arrival-rate',
      exec: 'postBatch',
      rate: 50,
      timeUnit: '1s',
      duration: '2m',
      preAllocatedVUs: 50,
      maxVUs: 500,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
    'http_req_duration{scenario:single_events}': ['p(95)<100', 'p(99)<250'],
    'http_req_duration{scenario:batches}': ['p(95)<250', 'p(99)<500'],
  },
};

const hosts = ['www.consumeraffairs.com', 'shop.example.com', 'docs.example.org'];
const paths = ['/', '/pricing', '/reviews/cars', '/checkout'];

function uuid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

const sessions = Array.from({ length: 1000 }, uuid);

// several kinds across many sessions; about one event in twenty is invalid (a cta click without its element)
function randomEvent() {
  const session_id = sessions[Math.floor(Math.random() * sessions.length)];
  const host = hosts[Math.floor(Math.random() * hosts.length)];
  const path = paths[Math.floor(Math.random() * paths.length)];
  const timestamp = new Date().toISOString();
  const pick = Math.random();
  if (pick < 0.35) return { session_id, category: 'page interaction', name: 'pageview', data: { host, path }, timestamp };
  if (pick < 0.65) {
    const data = Math.random() < 0.05 ? { host, path } : { host, path, element: 'chat bubble' };
    return { session_id, category: 'page interaction', name: 'cta click', data, timestamp };
  }
  if (pick < 0.85) {
    return { session_id, category: 'form interaction', name: 'submit', data: { host, path, form: { first_name: 'John', last_name: 'Doe' } }, timestamp };
  }
  return { session_id, category: 'activity', name: 'deploy', data: { component: 'api', environment: 'production' }, timestamp };
}

function accepted(response, count) {
  return check(response, {
    'status is 202': (r) => r.status === 202,
    'every event has an id': (r) => r.status === 202 && r.json('ids').length === count,
  });
}

export function postSingleEvent() {
  accepted(http.post(`${baseUrl}/events`, JSON.stringify(randomEvent()), params), 1);
}

export function postBatch() {
  const batch = Array.from({ length: 100 }, randomEvent);
  accepted(http.post(`${baseUrl}/events`, JSON.stringify({ batch, sent_at: new Date().toISOString() }), params), 100);
}

// runs once before the scenarios: the dead destination, when asked for
export function setup() {
  if (!deadDestinationUrl) return {};
  const created = http.post(`${baseUrl}/destinations`, JSON.stringify({ name: 'k6 dead receiver', url: deadDestinationUrl }), adminParams);
  if (created.status !== 201) throw new Error(`cannot create the dead destination: ${created.status} ${created.body}`);
  return { deadDestinationId: created.json('id') };
}

// runs once after them: the dead destination stops taking events (its queue keeps what it has)
export function teardown(data) {
  if (data.deadDestinationId) http.post(`${baseUrl}/destinations/${data.deadDestinationId}/stop`, null, adminParams);
}
