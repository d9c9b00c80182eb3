import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { createSchemaCompiler, topologyFor } from '@argus/shared';
import { buildApp } from '../api/src/app.js';
import { buildOpenApiDocument } from '../api/src/openapi.js';
import { eventually } from '@argus/shared/testing';
import { startStack, type TestStack } from './support/stack.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; name: string; handle: { stack?: Layer[] } };

/** Every METHOD /path the express app routes, found by walking its router (mounted routers included). */
function servedRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
      return layer.name === 'router' && layer.handle.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app as unknown as { _router: { stack: Layer[] } })._router.stack);
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the api serves, POST /events included, with the bearer scheme', () => {
    // building the app opens nothing: its dependencies are only called by requests
    const app = buildApp({ sendError: () => {}, db: {} as DataSource, authenticate: () => { throw new Error('unused'); }, brokerReady: () => true, readyTimeoutMs: 1, metrics: {} as Registry, schemaCompiler: createSchemaCompiler(), maxSchemaBytes: 1024, broker: { withChannel: () => Promise.reject(new Error('unused')) }, topology: topologyFor({ AMQP_PREFIX: 'test', AMQP_DELIVERY_LIMIT: 1 }) });
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const served = [...servedRoutes(app), 'POST /events'];
    expect(served.length).toBeGreaterThan(6);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(document.components?.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('lists every status of a read and of POST /events, with example bodies', () => {
    const reads = document.paths['/events']!.get!;
    expect(Object.keys(reads.responses).sort()).toEqual(['200', '400', '401', '403', '500']);
    const post = document.paths['/events']!.post!;
    expect(Object.keys(post.responses).sort()).toEqual(['202', '400', '401', '403', '413', '415', '500', '503']);
    expect(document.components?.schemas?.StoredEvent).toMatchObject({ example: expect.any(Object) });
  });

  it('gives every error answer an example whose code is one that status answers, not one example for all', () => {
    type Answer = { content?: Record<string, { example?: { error: { code: string } } }> };
    const examples = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { responses: Record<string, Answer> }>).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([status]) => Number(status) >= 400)
          .map(([status, answer]) => ({ at: `${method.toUpperCase()} ${path} ${status}`, status, code: answer.content?.['application/json']?.example?.error.code })),
      ),
    );
    const codeFits: Record<string, (code: string) => boolean> = {
      400: (code) => code.startsWith('invalid_') || code === 'schema_too_complex',
      401: (code) => code === 'unauthorized',
      403: (code) => code === 'forbidden',
      404: (code) => code === 'not_found',
      413: (code) => code.endsWith('_too_large'),
      415: (code) => code === 'unsupported_media_type',
      500: (code) => code === 'internal_error',
      503: (code) => code.startsWith('broker_'),
    };
    expect(examples.filter(({ status, code }) => code === undefined || !codeFits[status]?.(code))).toEqual([]);
    expect(new Set(examples.map(({ code }) => code)).size).toBeGreaterThanOrEqual(8);
    const post = Object.fromEntries(examples.filter(({ at }) => at.startsWith('POST /events ')).map(({ status, code }) => [status, code]));
    expect(post).toMatchObject({ 400: 'invalid_json', 413: 'event_too_large', 503: 'broker_unreachable' });
  });
});

describe('/openapi.json and Swagger UI at /docs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
    await stack.startWorker();
  });
  afterAll(() => stack.stop());

  it("lets a new user post the document's example event and read it back by session, as from /docs", async () => {
    const { token } = await stack.tokenFor('newcomer', ['read', 'write']);
    const served = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as ReturnType<typeof buildOpenApiDocument>;
    const example = (served.paths['/events']!.post!.requestBody as { content: Record<string, { examples: Record<string, { value: { session_id: string } }> }> })
      .content['application/json']!.examples.event!.value;
    const posted = await stack.post(example, { token });
    expect(posted.status).toBe(202);
    const [id] = ((await posted.json()) as { ids: string[] }).ids;
    const read = await eventually(async () => {
      const response = await fetch(`${stack.baseUrl}/sessions/${example.session_id}/events`, { headers: { Authorization: `Bearer ${token}` } });
      const page = (await response.json()) as { events: { id: string }[] };
      return page.events.length > 0 ? page : undefined;
    }, 10_000, 'the example event to be stored');
    expect(read.events.map((event) => event.id)).toEqual([id]);
  });

  it('serves the document and the UI with its assets from this server', async () => {
    const served = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(served.openapi).toBe('3.0.3');
    expect(Object.keys(served.paths)).toContain('/sessions/{session_id}/events');
    const page = await fetch(`${stack.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    const script = await fetch(`${stack.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
