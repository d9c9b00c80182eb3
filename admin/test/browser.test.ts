import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSchemaCompiler, registerEventSchema } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { sampleEvent } from '../../test/support/stack.js';
import { operator, startAdminStack, type AdminStack } from './admin-stack.js';

const chromiumPath = '/usr/bin/chromium';
const screenshots = new URL('../../test-output/admin/', import.meta.url).pathname;
// `make test` installs chromium (scripts/ensure-system-packages.sh), so CI never skips this
const describeInBrowser = existsSync(chromiumPath) ? describe : describe.skip;
if (!existsSync(chromiumPath)) console.warn(`SKIPPED admin browser tests: ${chromiumPath} is missing (apt-get install -y chromium)`);

describeInBrowser('admin panel in a browser', () => {
  let stack: AdminStack;
  let userDataDir: string;
  let browser: BrowserContext;
  let page: Page;
  const sessionId = randomUUID();
  const eventId = randomUUID();
  let token: { token: string; tokenId: string; applicationId: string };
  let errorId: string;
  let schemaIds: string[];
  const policyViolations: string[] = [];
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    stack = await startAdminStack();
    await stack.startWorker();
    token = await stack.tokenFor('storefront');
    const events = [
      sampleEvent({ event_id: eventId, session_id: sessionId, name: 'pageview', data: { host: 'example.com', path: '/pricing' }, user_id: 'ada', anonymous_id: 'anon-7' }),
      sampleEvent({ session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/other-visit' } }),
      sampleEvent({ session_id: sessionId, data: { host: 'example.com', path: '/pricing' } }), // cta click without element: invalid
    ];
    expect((await stack.post(events, { token: token.token })).status).toBe(202);
    const [row] = await eventually(async () => {
      const rows = await stack.database.db.query('SELECT id FROM event_errors');
      const [{ count }] = await stack.database.db.query('SELECT count(*)::int AS count FROM events');
      return rows.length === 1 && count === 2 ? rows : undefined;
    });
    errorId = row.id;
    const kind = { applicationId: token.applicationId, category: 'purchase', name: 'checkout' };
    const versions = [
      { type: 'object', properties: { price: { type: 'number' }, currency: { type: 'string' } } },
      { type: 'object', required: ['price'], properties: { price: { type: 'number' }, currency: { enum: ['EUR', 'USD'] } } },
    ];
    schemaIds = [];
    for (const schema of versions) schemaIds.push((await registerEventSchema(stack.database.db, createSchemaCompiler(), { ...kind, schema })).schema.id);

    // outside production AdminJS bundles the components (Recharts included) on the first request for them
    const bundled = await fetch(`${stack.adminUrl}/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(110_000) });
    expect(bundled.status).toBe(200);
    await mkdir(screenshots, { recursive: true });
    userDataDir = await mkdtemp(join(tmpdir(), 'argus-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // generous: the machine running the tests may be busy, and a page's first load parses megabytes of scripts
    browser.setDefaultTimeout(30_000);
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
      if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    const panelOrigin = new URL(stack.adminUrl).origin;
    page.on('request', (request) => {
      if (!request.url().startsWith(panelOrigin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await stack?.stop();
  });

  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const rowCount = (count: number) => eventually(async () => ((await page.locator('tbody tr').count()) === count ? true : undefined));
  /** Every header of the list is at least as wide as its longest word: no column squeezed letter by letter. */
  const squeezedHeaders = (): Promise<string[]> =>
    page.evaluate(`(() => {
      const canvas = document.createElement('canvas').getContext('2d');
      return [...document.querySelectorAll('table th')].flatMap((th) => {
        const style = getComputedStyle(th);
        canvas.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
        const widest = Math.max(0, ...th.textContent.split(/\s+/).map((word) => canvas.measureText(word).width));
        const inner = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return inner + 1 < widest ? [th.textContent + ': ' + inner + 'px < ' + widest + 'px'] : [];
      });
    })()`);
  const backgroundOf = (selector: string): Promise<string> => page.evaluate(`getComputedStyle(document.querySelector('${selector}')).backgroundColor`);

  it('asks for a login on a page that says Argus, then lands on a dashboard with a labelled chart', async () => {
    await page.goto(stack.adminUrl, { timeout: 90_000 });
    expect(page.url()).toMatch(/\/admin\/login$/);
    await page.getByText('Operator console').waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/AdminJS/);
    expect(await page.locator('link[rel="icon"], link[rel="shortcut icon"]').first().getAttribute('href')).toMatch(/favicon\.svg$/);
    await shoot('login');
    await page.fill('input[name="email"]', operator.email);
    await page.fill('input[name="password"]', operator.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.getByText('Is everything flowing?').waitFor();
    await page.locator('[data-figure="Stored"]', { hasText: '2' }).waitFor();
    const chart = page.locator('[data-chart]');
    await chart.getByText('time (UTC)').waitFor();
    await chart.getByText('events per 1 min').waitFor();
    const ticks = await chart.locator('.recharts-xAxis .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThan(3);
    for (const tick of ticks) expect(tick).toMatch(/^\d\d:\d\d$/);
    await shoot('dashboard');
    await page.locator('[data-window="7d"]').click();
    await chart.getByText('events per 2 h').waitFor();
    await page.locator('#dashboard-application').selectOption({ label: 'storefront' });
    await page.locator('[data-figure="Invalid"]', { hasText: '1' }).waitFor();
    await shoot('dashboard-7d');
  }, 180_000);

  it('lists events with application names and zoned times, and the filter drawer closes on Apply', async () => {
    await page.goto(`${stack.adminUrl}/resources/events`);
    await page.locator('td', { hasText: 'pageview' }).first().waitFor();
    await rowCount(2);
    expect(await page.locator('tbody tr td a', { hasText: /^storefront$/ }).count()).toBe(2);
    expect(await page.locator('tbody').textContent()).not.toContain(token.applicationId);
    expect(await page.locator('tbody tr').first().textContent()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('events');

    await page.getByText('Filter', { exact: true }).click();
    const drawer = page.locator('[data-css="events-filter-drawer"]');
    await drawer.locator('input[name="filter-sessionId"]').fill(sessionId);
    await drawer.getByRole('button', { name: /apply/i }).click();
    await rowCount(1);
    // a closed drawer slides out of the viewport to the right
    const drawerLeft = (): Promise<number> => page.evaluate(`document.querySelector('[data-css="events-filter-drawer"]').getBoundingClientRect().left`);
    await eventually(async () => ((await drawerLeft()) >= 1400 ? true : undefined), 5000, 'the drawer to close');
    await shoot('events-of-session');
  }, 120_000);

  it('shows one event with its data as indented JSON', async () => {
    await page.locator('tbody tr').first().click();
    await page.waitForURL(new RegExp(`/records/${eventId}/show`));
    const json = page.locator('pre', { hasText: '/pricing' });
    await json.waitFor();
    expect(await json.textContent()).toContain('"path": "/pricing"');
    await shoot('event');
  }, 120_000);

  it('shows who acted on an event, and filters the events by user id and by anonymous id', async () => {
    await page.goto(`${stack.adminUrl}/resources/events/records/${eventId}/show`);
    await page.getByText('anon-7').waitFor();
    expect(await page.locator('body').innerText()).toMatch(/User id\s+ada/);

    await page.goto(`${stack.adminUrl}/resources/events`);
    await rowCount(2);
    await page.getByText('Filter', { exact: true }).click();
    const drawer = page.locator('[data-css="events-filter-drawer"]');
    await drawer.locator('input[name="filter-userId"]').fill('ada');
    await drawer.getByRole('button', { name: /apply/i }).click();
    await rowCount(1);
    expect(await page.locator('tbody tr').first().textContent()).toContain('ada');
    expect(page.url()).toContain('filters.userId=ada');
    await shoot('events-of-user');
    // an exact match, as the api's GET /events?user_id= filters: a part of the id finds nothing
    await page.goto(`${stack.adminUrl}/resources/events?filters.userId=ad`);
    await page.getByText('There are no records in this resource').waitFor();
    await page.goto(`${stack.adminUrl}/resources/events?filters.anonymousId=anon-7`);
    await rowCount(1);
  }, 120_000);

  it('opens the session itself when the middle of its row is clicked', async () => {
    await page.goto(`${stack.adminUrl}/resources/sessions`);
    await rowCount(2);
    const row = page.locator('tbody tr', { hasText: sessionId });
    const box = (await row.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(new RegExp(`/resources/sessions/records/${sessionId}/show`));
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('session');
  }, 120_000);

  it('lists invalid events with their kind and a readable reason, and shows a replay that fails again', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_errors`);
    const row = page.locator('tbody tr').first();
    await row.locator('[data-reasons]').waitFor();
    expect(await row.locator('[data-reasons]').textContent()).toMatch(/^data\.element: \S/);
    expect(await row.textContent()).toContain('cta click');
    expect(await row.textContent()).toContain('storefront');
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('event-errors');

    await page.goto(`${stack.adminUrl}/resources/event_errors/records/${errorId}/show`);
    await page.locator('ul[data-reasons]', { hasText: 'data.element' }).waitFor();
    await shoot('event-error');
    await page.goto(`${stack.adminUrl}/resources/event_errors/records/${errorId}/replay`);
    await page.getByText(/its reasons are replaced by the new ones/).waitFor();
    // a replay is no deletion: its button is not the red one
    const button = page.locator('[data-confirm="replay"]');
    expect(await backgroundOf('[data-confirm="replay"]')).not.toMatch(/rgb\(2[0-9]{2}, [0-9]{1,2}, [0-9]{1,2}\)/);
    await button.click();
    await page.getByText('1 event sent to the worker again').waitFor();
    // the rules have not changed: the worker fails it again, and the page says so
    await page.locator('[data-outcome^="failed again when replayed at"]').waitFor({ timeout: 15_000 });
    await shoot('event-error-replayed');
  }, 120_000);

  it('groups invalid events by reason on the triage page', async () => {
    await page.goto(`${stack.adminUrl}/pages/triage`);
    const group = page.locator('tr[data-group^="data.element: "]');
    await group.waitFor();
    expect(await group.textContent()).toContain('storefront');
    await group.locator('td').first().getByRole('link').click();
    await page.locator(`a[href$="/resources/event_errors/records/${errorId}/show"]`).waitFor();
    await group.locator('[data-replay-group]').click();
    await page.locator('[data-notice]', { hasText: 'of this group sent to the worker again' }).waitFor();
    await group.locator('[data-replays]', { hasText: 'failed again' }).waitFor({ timeout: 15_000 });
    await shoot('triage');
  }, 120_000);

  it('shows an event on the live page within 2 s of being stored, invalid ones marked with their reasons', async () => {
    await page.goto(`${stack.adminUrl}/pages/live`);
    await page.locator('table[data-live] tbody tr').first().waitFor();
    const liveId = randomUUID();
    expect((await stack.post(sampleEvent({ event_id: liveId, session_id: randomUUID(), name: 'pageview', data: { host: 'example.com', path: '/live' } }), { token: token.token })).status).toBe(202);
    await eventually(async () => ((await stack.database.db.query('SELECT 1 FROM events WHERE id = $1', [liveId])).length === 1 ? true : undefined));
    await page.locator(`tr[data-event-id="${liveId}"]`).waitFor({ timeout: 2000 });
    expect(await page.locator('tr.argus-invalid').first().textContent()).toMatch(/invalid: data\.element: /);
    await shoot('live');
  }, 120_000);

  it('filters the live page by user id', async () => {
    await page.goto(`${stack.adminUrl}/pages/live`);
    await page.locator('table[data-live] tbody tr').first().waitFor();
    expect(await page.locator('table[data-live] tbody tr').count()).toBeGreaterThan(1);
    await page.locator('#live-userId').fill('ada');
    await eventually(async () => ((await page.locator('table[data-live] tbody tr').count()) === 1 ? true : undefined), 10_000, 'one event of user ada');
    await page.locator(`tr[data-event-id="${eventId}"] [data-user]`, { hasText: 'ada' }).waitFor();
    expect(await page.locator(`tr[data-event-id="${eventId}"] [data-user]`).textContent()).toContain('anon-7');
    await shoot('live-of-user');
  }, 120_000);

  it('lists the schemas and shows one as indented JSON', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_schemas`);
    await page.locator('td', { hasText: 'checkout' }).first().waitFor();
    await rowCount(2);
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('schemas');
    await page.goto(`${stack.adminUrl}/resources/event_schemas/records/${schemaIds[1]}/show`);
    const json = page.locator('pre', { hasText: 'currency' });
    await json.waitFor();
    expect(await json.textContent()).toContain('"enum": [\n');
    await shoot('schema');
  }, 120_000);

  it('compares two versions side by side, with what the newer one would refuse', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_schemas/records/${schemaIds[1]}/compare`);
    await page.locator('pre[data-version="version 1"]').waitFor();
    expect(await page.locator('pre[data-version="version 2"]').textContent()).toContain('"required"');
    await page.getByText('data.price: is newly required').waitFor();
    await page.getByText('data.currency: is now limited to "EUR", "USD"').waitFor();
    await shoot('schema-compare');
  }, 120_000);

  it('adds a version from the one shown, saying clearly why bad JSON is refused', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_schemas/records/${schemaIds[1]}/newVersion`);
    const editor = page.locator('#schema-json');
    await editor.waitFor();
    expect(await editor.inputValue()).toContain('"price"');
    await editor.fill('{"type": "object",');
    await page.getByRole('button', { name: 'Register version' }).click();
    await page.getByText(/^The schema is not valid JSON/).waitFor();
    await editor.fill('{"type": "object"}');
    await page.getByRole('button', { name: 'Register version' }).click();
    await page.getByText('Version 3 registered').waitFor();
    await shoot('schema-new-version');
    const [{ count }] = await stack.database.db.query('SELECT count(*)::int AS count FROM event_schemas');
    expect(count).toBe(3);
  }, 120_000);

  let destinationId: string;
  it('creates a webhook destination, shows its secret once, lists it readably and shows its backlog', async () => {
    await page.goto(`${stack.adminUrl}/resources/destinations/actions/create`);
    await page.locator('#destination-name').fill('CRM webhook');
    await page.locator('#destination-url').fill('http://127.0.0.1:9/hook');
    await page.locator('#destination-category').fill('page interaction');
    await page.getByRole('button', { name: 'Create destination' }).click();
    const secret = page.locator('#signing-secret');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await shoot('destination-created');
    [{ id: destinationId }] = await stack.database.db.query(`SELECT id FROM destinations WHERE name = 'CRM webhook'`);

    await page.goto(`${stack.adminUrl}/resources/destinations`);
    const row = page.locator('tbody tr', { hasText: 'CRM webhook' });
    await row.waitFor();
    expect(await row.textContent()).toContain('running');
    expect(await row.textContent()).toContain('http://127.0.0.1:9/hook');
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('destinations');

    await page.goto(`${stack.adminUrl}/resources/destinations/records/${destinationId}/show`);
    await page.locator('[data-backlog="In its queue"]').waitFor();
    expect(await page.locator('[data-backlog="Dead letters"]').textContent()).toBe('0');
    await page.locator('[data-recent-attempts]').waitFor();
    await shoot('destination');
    await page.goto(`${stack.adminUrl}/resources/destination_dead_letters`);
    await page.getByText('Dead letters').first().waitFor();
  }, 120_000);

  it('changes nothing for a page on another port of the same host: an image that activates, a form that re-points', async () => {
    const target = (path: string) => `${stack.adminUrl}/api/resources/${path}`;
    const hostile = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><body>
        <img src="${target(`event_schemas/records/${schemaIds[1]}/activate`)}">
        <iframe name="sink"></iframe>
        <form id="repoint" method="POST" target="sink" action="${target(`destinations/records/${destinationId}/edit`)}">
          <input name="name" value="CRM webhook"><input name="url" value="http://attacker.example/steal">
        </form>
        <script>document.getElementById('repoint').submit()</script>
      </body>`);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    const attacker = await browser.newPage();
    try {
      const toPanel: Request[] = [];
      attacker.on('request', (request) => {
        if (request.url().startsWith(stack.adminUrl)) toPanel.push(request);
      });
      await attacker.goto(`http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`, { waitUntil: 'domcontentloaded' });
      await eventually(async () => (toPanel.length >= 2 ? true : undefined), 10_000, 'both requests to reach the panel');
      const repoint = toPanel.find((request) => request.method() === 'POST')!;
      expect((await repoint.response())?.status()).toBe(403);
      expect(repoint.headers()['sec-fetch-site'] ?? (await repoint.allHeaders())['sec-fetch-site']).toBe('same-site');
    } finally {
      await attacker.close();
      hostile.closeAllConnections();
      await new Promise<void>((resolve) => (hostile as Server).close(() => resolve()));
    }
    const [schema] = await stack.database.db.query('SELECT active FROM event_schemas WHERE id = $1', [schemaIds[1]]);
    expect(schema.active).toBe(false);
    const [destination] = await stack.database.db.query('SELECT url FROM destinations WHERE id = $1', [destinationId]);
    expect(destination.url).toBe('http://127.0.0.1:9/hook');
  }, 120_000);

  it('creates an application and lands on its page, where a token is issued; tokens list their scopes by name', async () => {
    await page.goto(`${stack.adminUrl}/resources/Application/actions/new`);
    await page.locator('input[name="name"]').fill('billing');
    await page.locator('input[name="email"]').fill('billing@example.com');
    await page.getByRole('button', { name: /save/i }).click();
    await page.waitForURL(/\/resources\/Application\/records\/[0-9a-f-]{36}\/show(\?.*)?$/);
    await page.getByText('billing@example.com').waitFor();
    await shoot('application-created');
    await page.goto(`${page.url().replace(/\/show(\?.*)?$/, '')}/issueToken`);
    await page.locator('#token-scopes').fill('read, write');
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.locator('#issued-token').waitFor();

    await page.goto(`${stack.adminUrl}/resources/api_tokens`);
    const row = page.locator('tbody tr', { hasText: 'billing' });
    await row.waitFor();
    expect(await row.locator('[data-scopes]').textContent()).toBe('read, write');
    expect(await squeezedHeaders()).toEqual([]);
    await shoot('tokens');
  }, 120_000);

  it('names a mistyped scope on the token page instead of showing a token', async () => {
    await page.goto(`${stack.adminUrl}/resources/Application/records/${token.applicationId}/issueToken`);
    await page.locator('#token-scopes').fill('read, wirte');
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.getByText('unknown scope "wirte"', { exact: false }).first().waitFor();
    expect(await page.locator('#issued-token').count()).toBe(0);
    await shoot('token-scope-refused');
  }, 120_000);

  it('sets the origins allowed to send with an application\'s keys on its page, refusing one that is no origin with a message', async () => {
    const applicationPage = `${stack.adminUrl}/resources/Application/records/${token.applicationId}`;
    const storedOrigins = async () => (await stack.database.db.query('SELECT allowed_origins FROM applications WHERE id = $1', [token.applicationId]))[0].allowed_origins;
    await page.goto(`${applicationPage}/show`);
    await page.locator('[data-allowed-origins="any"]').waitFor();

    await page.goto(`${applicationPage}/allowedOrigins`);
    const field = page.locator('#allowed-origins');
    await field.fill('https://shop.example.com\nhttps://shop.example.com/checkout');
    await page.locator('[data-save-origins]').click();
    await page.getByText('line 2, "https://shop.example.com/checkout": must be an origin such as https://shop.example.com', { exact: false }).waitFor();
    expect(await storedOrigins()).toBeNull();
    await shoot('allowed-origins-refused');

    await field.fill('https://shop.example.com\n\nhttp://localhost:3000\n');
    await page.locator('[data-save-origins]').click();
    await page.getByText('Saved: 2 origins may send').waitFor();
    expect(await storedOrigins()).toEqual(['https://shop.example.com', 'http://localhost:3000']);
    await page.goto(`${applicationPage}/show`);
    await page.locator('[data-allowed-origins="https://shop.example.com http://localhost:3000"]').waitFor();
    await shoot('application-allowed-origins');

    // the api refuses a page of another origin within its refresh interval; a listed one still sends
    const fromOrigin = (origin: string) => stack.post(sampleEvent(), { token: token.token, headers: { origin } });
    await eventually(async () => ((await fromOrigin('https://elsewhere.example')).status === 403 ? true : undefined), 10_000, 'a 403');
    expect((await fromOrigin('https://shop.example.com')).status).toBe(202);
  }, 120_000);

  it('disables an application from its page, and the api refuses its tokens within seconds', async () => {
    await page.goto(`${stack.adminUrl}/resources/Application/records/${token.applicationId}/disable`);
    await page.getByText(/Every token it holds is revoked at once/).waitFor();
    await page.locator('[data-confirm="disable"]').click();
    await page.getByText('Application disabled: 1 token revoked').waitFor();
    await shoot('application-disabled');
    await eventually(async () => ((await stack.post(sampleEvent(), { token: token.token })).status === 401 ? true : undefined), 10_000, 'a 401');
  }, 120_000);

  it('lists each destination with its state and backlog on the dashboard', async () => {
    await page.goto(stack.adminUrl);
    const row = page.locator('table[data-destinations] tbody tr', { hasText: 'CRM webhook' });
    await row.waitFor();
    expect(await row.textContent()).toContain('running');
    await shoot('dashboard-destinations');
  }, 120_000);

  it('breaks no rule of its Content Security Policy, logs no error and asks no other host, on any page it showed', () => {
    expect(policyViolations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
