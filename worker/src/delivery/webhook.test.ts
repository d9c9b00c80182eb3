import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredEventMessage } from '@argus/shared';
import { Webhook } from 'standardwebhooks';
import { fetch } from 'undici';
import { createGuardedAgent } from './guarded-agent.js';
import { createWebhookSender, webhookId } from './webhook.js';

const event: StoredEventMessage = {
  id: '6f1c3c1e-5b7a-4d2e-8f3a-2b1c0d9e8f7a',
  application_id: '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10',
  application: 'shop',
  session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
  category: 'page interaction',
  name: 'cta click',
  data: { host: 'example.com' },
  timestamp: '2023-01-01T09:15:27.243860Z',
  client_timestamp: '2023-01-01T09:15:27.243860Z',
  sent_at: null,
  received_at: '2023-01-01T09:15:28.000000Z',
  request_id: 'r1',
  schema_version: null,
  user_id: null,
  anonymous_id: null,
  context: null,
  integrations: null,
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhook sender', () => {
  let server: Server;
  let url: string;
  let handle: Parameters<typeof createServer>[1];
  const received: { headers: Record<string, string>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        handle!(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  const send = (timeoutMs = 2000, allowPrivateNetworks = true) => createWebhookSender({ id: 'd1', url, signingSecret: secret }, { timeoutMs, allowPrivateNetworks })(event);

  it('posts a Standard Webhooks request that the reference verifier accepts', async () => {
    handle = (_req, res) => res.writeHead(204).end();
    expect(await send()).toEqual({ kind: 'delivered', status: 204, durationMs: expect.any(Number) });
    const [request] = received;
    expect(request!.headers['webhook-id']).toBe(webhookId('d1', event.id));
    expect(new Webhook(secret).verify(request!.body, request!.headers)).toEqual({ type: 'event.stored', timestamp: event.timestamp, data: event });
    expect(webhookId('d2', event.id)).not.toBe(webhookId('d1', event.id));
  });

  it('fails on any other status, keeping the start of the answer, and marks Argus-No-Retry', async () => {
    handle = (_req, res) => res.writeHead(500).end('x'.repeat(100_000));
    const failed = await send();
    expect(failed).toMatchObject({ kind: 'failed', status: 500, noRetry: false });
    expect((failed as { error: string }).error.length).toBeLessThan(400);

    handle = (_req, res) => res.writeHead(410, { 'Argus-No-Retry': 'true' }).end('gone');
    expect(await send()).toEqual({ kind: 'failed', status: 410, error: 'HTTP 410: gone', noRetry: true, durationMs: expect.any(Number) });

    handle = (_req, res) => res.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' }).end();
    expect(await send()).toMatchObject({ kind: 'failed', status: 302, noRetry: false });
  });

  it('fails without a status when no answer comes in time or the receiver hangs up', async () => {
    handle = () => {};
    expect(await send(100)).toEqual({ kind: 'failed', status: null, error: 'no answer within 100 ms', noRetry: false, durationMs: expect.any(Number) });
    handle = (req) => req.socket.destroy();
    expect(await send()).toMatchObject({ kind: 'failed', status: null, noRetry: false });
  });

  it('refuses a receiver on a loopback address when private networks are not allowed, sending nothing', async () => {
    handle = (_req, res) => res.writeHead(204).end();
    const failed = await send(2000, false);
    expect(failed).toMatchObject({ kind: 'failed', status: null, noRetry: false });
    expect((failed as { error: string }).error).toMatch(/^refused address: 127\.0\.0\.1 is a loopback or private address/);
    expect(received).toEqual([]);
  });

  it('checks the address a name resolves to when connecting, so that DNS cannot lead past the rule', async () => {
    handle = (_req, res) => res.writeHead(204).end();
    const byName = url.replace('127.0.0.1', 'localhost');
    const refused = await fetch(byName, { method: 'POST', dispatcher: createGuardedAgent({ allowPrivateNetworks: false }) }).catch((error: unknown) => error);
    expect(((refused as Error).cause as Error).message).toMatch(/^refused address for localhost: (127\.0\.0\.1|::1) is a loopback/);
    expect(received).toEqual([]);
    const allowed = await fetch(byName, { method: 'POST', dispatcher: createGuardedAgent({ allowPrivateNetworks: true }) });
    expect(allowed.status).toBe(204);
  });
});
