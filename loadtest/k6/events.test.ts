import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';

const source = readFileSync(new URL('./events.js', import.meta.url), 'utf8');
const program = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'module' });

type Node = acorn.AnyNode;
const exported = (name: string) =>
  program.body.find(
    (node): node is acorn.ExportNamedDeclaration =>
      node.type === 'ExportNamedDeclaration' &&
      ((node.declaration?.type === 'VariableDeclaration' && node.declaration.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === name)) ||
        (node.declaration?.type === 'FunctionDeclaration' && node.declaration.id.name === name)),
  );

/** The value of a plain object literal, as k6 reads options. */
function literal(node: Node): unknown {
  switch (node.type) {
    case 'ObjectExpression':
      return Object.fromEntries(
        node.properties.map((property) => {
          if (property.type !== 'Property') throw new Error('options must be a plain object');
          const key = property.key.type === 'Identifier' ? property.key.name : String((property.key as acorn.Literal).value);
          return [key, literal(property.value)];
        }),
      );
    case 'ArrayExpression':
      return node.elements.map((element) => literal(element as Node));
    case 'Literal':
      return node.value;
    default:
      throw new Error(`options must hold only literals, found ${node.type}`);
  }
}

describe('the k6 load test', () => {
  it('imports only k6 modules, so any k6 runs it unchanged', () => {
    const imports = program.body.filter((node): node is acorn.ImportDeclaration => node.type === 'ImportDeclaration').map((node) => node.source.value);
    expect(imports.length).toBeGreaterThan(0);
    for (const module of imports) expect(module).toMatch(/^k6(\/|$)/);
  });

  const declaration = exported('options')?.declaration as acorn.VariableDeclaration;
  const options = literal(declaration.declarations[0]!.init!) as {
    scenarios: Record<string, { executor: string; exec: string; stages?: { target: number }[] }>;
    thresholds: Record<string, string[]>;
  };

  it('ramps single events up to 2,000 req/s and holds batches at a constant rate', () => {
    const scenarios = Object.values(options.scenarios);
    const ramp = scenarios.find((scenario) => scenario.executor === 'ramping-arrival-rate');
    expect(Math.max(...ramp!.stages!.map((stage) => stage.target))).toBeGreaterThanOrEqual(2000);
    expect(scenarios.some((scenario) => scenario.executor === 'constant-arrival-rate')).toBe(true);
    for (const scenario of scenarios) expect(exported(scenario.exec)).toBeDefined();
  });

  it('fails the run when requests fail or latency exceeds its bounds', () => {
    expect(options.thresholds.http_req_failed).toEqual(['rate<0.001']);
    const latency = Object.entries(options.thresholds).filter(([metric]) => metric.startsWith('http_req_duration'));
    expect(latency.length).toBeGreaterThanOrEqual(2);
    for (const [, bounds] of latency) expect(bounds.some((bound) => bound.startsWith('p(99)<'))).toBe(true);
  });

  /** The script run as k6 would, with `k6/http` recorded: its imports and exports stripped, the rest evaluated. */
  function runScript(env: Record<string, string>) {
    const posts: { url: string; body: string | null; authorization: string }[] = [];
    const http = {
      post: (url: string, body: string | null, params: { headers: Record<string, string> }) => {
        posts.push({ url, body, authorization: params.headers.Authorization! });
        return { status: 201, body: '', json: (field: string) => (field === 'id' ? 'dead-id' : undefined) };
      },
    };
    const body = source.replace(/^import .*$/gm, '').replace(/^export /gm, '');
    const script = new Function('http', 'check', '__ENV', `${body}\nreturn { setup, teardown };`) as (...args: unknown[]) => {
      setup(): { deadDestinationId?: string };
      teardown(data: { deadDestinationId?: string }): void;
    };
    return { posts, ...script(http, () => true, { BASE_URL: 'http://argus', TOKEN: 'write-token', ...env }) };
  }

  it('adds a destination whose receiver is down for the run when given its url, and stops it after', () => {
    const run = runScript({ DEAD_DESTINATION_URL: 'http://127.0.0.1:9/dead', ADMIN_TOKEN: 'admin-token' });
    const data = run.setup();
    expect(run.posts).toEqual([{ url: 'http://argus/destinations', body: JSON.stringify({ name: 'k6 dead receiver', url: 'http://127.0.0.1:9/dead' }), authorization: 'Bearer admin-token' }]);
    run.teardown(data);
    expect(run.posts[1]).toEqual({ url: 'http://argus/destinations/dead-id/stop', body: null, authorization: 'Bearer admin-token' });
  });

  it('adds no destination without that url', () => {
    const run = runScript({});
    run.teardown(run.setup());
    expect(run.posts).toEqual([]);
  });
});
