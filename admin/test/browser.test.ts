import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSchemaCompiler, registerEventSchema } from '@argus/shared';
import { eventually } from '@argus/shared/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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

  beforeAll(async () => {
    stack = await startAdminStack();
    await stack.startWorker();
    token = await stack.tokenFor('storefront');
    const events = [
      sampleEvent({ event_id: eventId, session_id: sessionId, name: 'pageview', data: { host: 'example.com', path: '/pricing' } }),
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

    await mkdir(screenshots, { recursive: true });
    userDataDir = await mkdtemp(join(tmpdir(), 'argus-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    browser.setDefaultTimeout(15_000);
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await stack?.stop();
  });

  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  const confirmGuard = () => page.getByRole('button', { name: /confirm/i }).click();

  it('asks for a login, then lands on the dashboard', async () => {
    await page.goto(stack.adminUrl);
    expect(page.url()).toMatch(/\/admin\/login$/);
    await shoot('login');
    await page.fill('input[name="email"]', operator.email);
    await page.fill('input[name="password"]', operator.password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.getByText('Events received per minute, last hour').waitFor();
    await page.locator('[data-figure="Events, last hour"]', { hasText: '2' }).waitFor();
    await shoot('dashboard');
  }, 90_000);

  it('lists events newest first and filters them by session', async () => {
    await page.goto(`${stack.adminUrl}/resources/events`);
    await page.getByText('/other-visit').or(page.locator('td', { hasText: 'pageview' }).first()).first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(2);
    await shoot('events');

    await page.goto(`${stack.adminUrl}/resources/events?filters.sessionId=${sessionId}`);
    await page.locator('tbody tr').first().waitFor();
    await expect(eventually(async () => ((await page.locator('tbody tr').count()) === 1 ? true : undefined))).resolves.toBe(true);
    await shoot('events-of-session');
  }, 60_000);

  it('shows one event with its data as indented JSON', async () => {
    await page.locator('tbody tr').first().click();
    await page.waitForURL(new RegExp(`/records/${eventId}/show`));
    const json = page.locator('pre', { hasText: '/pricing' });
    await json.waitFor();
    expect(await json.textContent()).toContain('"path": "/pricing"');
    await shoot('event');
  }, 60_000);

  it('opens an invalid event with its reasons and replays it', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_errors/records/${errorId}/show`);
    await page.locator('pre', { hasText: 'data.element' }).waitFor();
    await shoot('event-error');
    // emptied so that the worker's fresh verdict is visible below
    await stack.database.db.query(`UPDATE event_errors SET reasons = '[]' WHERE id = $1`, [errorId]);
    await page.getByText('Replay', { exact: true }).click();
    await confirmGuard();
    await page.getByText(/sent to the worker again/).waitFor();
    // the rules have not changed, so the worker fails it again: mark set by the panel, then cleared by the worker
    await eventually(async () => {
      const [row] = await stack.database.db.query(`SELECT replayed_at, reasons FROM event_errors WHERE id = $1`, [errorId]);
      return row.replayed_at === null && JSON.stringify(row.reasons).includes('data.element') ? true : undefined;
    });
  }, 60_000);

  it('lists the schemas and shows one as indented JSON', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_schemas`);
    await page.locator('td', { hasText: 'checkout' }).first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(2);
    await shoot('schemas');
    await page.goto(`${stack.adminUrl}/resources/event_schemas/records/${schemaIds[1]}/show`);
    const json = page.locator('pre', { hasText: 'currency' });
    await json.waitFor();
    expect(await json.textContent()).toContain('"enum": [\n');
    await shoot('schema');
  }, 60_000);

  it('compares two versions side by side, with what the newer one would refuse', async () => {
    await page.goto(`${stack.adminUrl}/resources/event_schemas/records/${schemaIds[1]}/compare`);
    await page.locator('pre[data-version="version 1"]').waitFor();
    expect(await page.locator('pre[data-version="version 2"]').textContent()).toContain('"required"');
    await page.getByText('data.price: is newly required').waitFor();
    await page.getByText('data.currency: is now limited to "EUR", "USD"').waitFor();
    await shoot('schema-compare');
  }, 60_000);

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
  }, 60_000);

  it('creates a webhook destination, shows its secret once, and lists it with its state', async () => {
    await page.goto(`${stack.adminUrl}/resources/destinations/actions/create`);
    await page.locator('#destination-name').fill('CRM webhook');
    await page.locator('#destination-url').fill('http://127.0.0.1:9/hook');
    await page.locator('#destination-category').fill('page interaction');
    await page.getByRole('button', { name: 'Create destination' }).click();
    const secret = page.locator('#signing-secret');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await shoot('destination-created');

    await page.goto(`${stack.adminUrl}/resources/destinations`);
    const row = page.locator('tbody tr', { hasText: 'CRM webhook' });
    await row.waitFor();
    expect(await row.textContent()).toContain('running');
    await shoot('destinations');
    await page.goto(`${stack.adminUrl}/resources/destination_dead_letters`);
    await page.getByText('Destination Dead Letters').or(page.getByText('Destination dead letters')).first().waitFor();
  }, 60_000);

  it('names a mistyped scope on the token page instead of showing a token', async () => {
    await page.goto(`${stack.adminUrl}/resources/Application/records/${token.applicationId}/issueToken`);
    await page.locator('#token-scopes').fill('read, wirte');
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.getByText('unknown scope "wirte"', { exact: false }).first().waitFor();
    expect(await page.locator('#issued-token').count()).toBe(0);
    await shoot('token-scope-refused');
  }, 60_000);

  it('revokes a token, and the api refuses it within seconds', async () => {
    await page.goto(`${stack.adminUrl}/resources/api_tokens/records/${token.tokenId}/show`);
    await page.getByText('Revoke', { exact: true }).click();
    await confirmGuard();
    await page.getByText('Token revoked').waitFor();
    await shoot('token-revoked');
    await eventually(async () => ((await stack.post(sampleEvent(), { token: token.token })).status === 401 ? true : undefined), 10_000, 'a 401');
  }, 60_000);

  it('breaks no rule of its Content Security Policy on any page it showed', () => {
    expect(policyViolations).toEqual([]);
  });
});
