import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { eventually } from '@argus/shared/testing';
import { segmentEventId } from '../api/src/ingest/segment-calls.js';
import { startStack, type TestStack } from './support/stack.js';

const chromiumPath = '/usr/bin/chromium';

/** Serves one page that loads the bundled library; another port is another origin. */
async function servePage(bundle: string, settings: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const html = `<!doctype html><html><head><script>window.argus = ${JSON.stringify(settings)};</script><script src="/segment-page.js"></script></head><body>shop</body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/segment-page.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the browser keeps its connections alive
    }) };
}

describe("Segment's browser library on a page of another origin", () => {
  let stack: TestStack;
  let shop: { token: string; applicationId: string };
  let admin: string;
  let bundle: string;
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    stack = await startStack({ REVOCATION_REFRESH_MS: '100' });
    await stack.startWorker();
    shop = await stack.tokenFor('browser-shop', ['write', 'read']);
    admin = (await stack.tokenFor('browser-operator', ['admin'])).token;
    // @segment/analytics-next from node_modules, bundled here: nothing is fetched from outside
    const built = await build({ entryPoints: [join(import.meta.dirname, 'support/segment-page.js')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent' });
    bundle = built.outputFiles[0]!.text;
    userDataDir = await mkdtemp(join(tmpdir(), 'argus-segment-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    browser.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await stack?.stop();
  });

  const apiHost = () => new URL(stack.baseUrl).host;

  it('stores a track, a page and a beacon sent on page hide, each once', async () => {
    const beaconMessageId = randomUUID();
    const site = await servePage(bundle, { apiHost: apiHost(), writeKey: shop.token, beaconMessageId });
    const outside: string[] = [];
    browser.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol.startsWith('http')) outside.push(request.url());
    });
    try {
      const page = await browser.newPage();
      await page.goto(site.url);
      const sent = await page.evaluate(() => (globalThis as unknown as { sent: Promise<{ messageIds: string[]; anonymousId: string; failed: unknown[] }> }).sent);
      expect(sent.failed).toEqual([null, null]);
      await page.goto('about:blank'); // page hide: the beacon goes
      await page.close();

      const ids = [...sent.messageIds, beaconMessageId].map((messageId) => segmentEventId(messageId, shop.applicationId));
      await stack.waitUntilStored(ids);
      const response = await fetch(`${stack.baseUrl}/events?limit=100`, { headers: { Authorization: `Bearer ${shop.token}` } });
      const { events } = (await response.json()) as { events: { id: string; category: string; name: string; anonymous_id: string }[] };
      expect(events.map((event) => [event.category, event.name]).sort()).toEqual([['page', 'Pricing'], ['track', 'Order Completed'], ['track', 'Page Hidden']]);
      expect(events.find((event) => event.name === 'Pricing')!.anonymous_id).toBe(sent.anonymousId);
      expect(outside).toEqual([]);
    } finally {
      await site.close();
    }
  }, 60_000);

  it('refuses a page of an origin the application does not allow', async () => {
    const restricted = await fetch(`${stack.baseUrl}/applications/${shop.applicationId}/allowed-origins`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ allowed_origins: ['https://shop.example.com'] }),
    });
    expect(restricted.status).toBe(200);
    const site = await servePage(bundle, { apiHost: apiHost(), writeKey: shop.token, beaconMessageId: randomUUID() });
    try {
      const page = await browser.newPage();
      await page.goto(site.url);
      const send = () =>
        page.evaluate(async ([url, writeKey]) => {
          const response = await fetch(url!, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ writeKey, userId: 'ada', event: 'Refused' }) });
          return { status: response.status, code: ((await response.json()) as { error?: { code: string } }).error?.code };
        }, [`${stack.baseUrl}/v1/track`, shop.token]);
      const refused = await eventually(async () => {
        const answer = await send();
        return answer.status === 403 ? answer : undefined;
      }, 5000, 'the restriction to take effect');
      expect(refused).toEqual({ status: 403, code: 'origin_not_allowed' });
      await page.close();
    } finally {
      await site.close();
    }
  }, 60_000);
});
