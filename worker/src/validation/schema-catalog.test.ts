import { createSchemaCompiler, type SchemaCompiler } from '@argus/shared';
import { createSchemaCatalog, type SchemaIndexRow } from './schema-catalog.js';
import type { IncomingEvent } from './types.js';

const shop = '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10';
const other = '7d4c2a9e-1b3f-4e6a-8c5d-9f0e1a2b3c4d';
const event = (data: Record<string, unknown>, schemaVersion?: number): IncomingEvent => ({
  session_id: 'e2085be5-9137-4e4e-80b5-f1ffddc25423',
  category: 'purchase',
  name: 'checkout',
  data,
  timestamp: '2023-01-01 09:15:27.243860',
  ...(schemaVersion === undefined ? {} : { schema_version: schemaVersion }),
});
const row = (id: string, version: number, active: boolean): SchemaIndexRow => ({ id, applicationId: shop, category: 'purchase', name: 'checkout', version, active });
const priceAs = (type: string) => ({ type: 'object', required: ['price'], properties: { price: { type } } });

/** A compiler that counts what it compiles. */
function countingCompiler(): SchemaCompiler & { compiled: number } {
  const compiler = createSchemaCompiler();
  const counting = { compiled: 0, compile: (schema: unknown) => ((counting.compiled += 1), compiler.compile(schema)) };
  return counting;
}

describe('the catalog of registered schemas', () => {
  it('checks data against the active version and says which version applied', () => {
    const catalog = createSchemaCatalog(createSchemaCompiler());
    catalog.replace([row('1', 1, true), row('2', 2, false)], new Map([['1', priceAs('number')], ['2', priceAs('string')]]));
    expect(catalog.check(shop, event({ price: 3 }))).toEqual({ problems: [], version: 1 });
    expect(catalog.check(shop, event({ price: '3' }))).toEqual({ problems: [{ path: 'data.price', message: 'must be number' }], version: 1 });
  });

  it('uses the version an event names, and reports a version that does not exist', () => {
    const catalog = createSchemaCatalog(createSchemaCompiler());
    catalog.replace([row('1', 1, true), row('2', 2, false)], new Map([['1', priceAs('number')], ['2', priceAs('string')]]));
    expect(catalog.check(shop, event({ price: '3' }, 2))).toEqual({ problems: [], version: 2 });
    expect(catalog.check(shop, event({ price: 3 }, 7))).toEqual({
      problems: [{ path: 'schema_version', message: 'no version 7 of a schema is registered for this kind' }],
      version: null,
    });
    // an application without schemas cannot name one either
    expect(catalog.check(other, event({}, 1)).problems).toHaveLength(1);
  });

  it('lets events of kinds and applications without schemas through untouched', () => {
    const catalog = createSchemaCatalog(createSchemaCompiler());
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    expect(catalog.check(other, event({ price: 'x' }))).toEqual({ problems: [], version: null });
    expect(catalog.check(shop, { ...event({ price: 'x' }), name: 'refund' })).toEqual({ problems: [], version: null });
    // versions registered but none active: nothing applies unless named
    catalog.replace([row('1', 1, false)], new Map());
    expect(catalog.check(shop, event({ price: 'x' }))).toEqual({ problems: [], version: null });
  });

  it('asks only for versions it lacks, compiles each once, and follows activations', () => {
    const compiler = countingCompiler();
    const catalog = createSchemaCatalog(compiler);
    expect(catalog.missing([row('1', 1, true)])).toEqual(['1']);
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    catalog.check(shop, event({ price: 1 }));
    catalog.check(shop, event({ price: 2 }));
    expect(compiler.compiled).toBe(1);

    const index = [row('1', 1, false), row('2', 2, true)];
    expect(catalog.missing(index)).toEqual(['2']);
    catalog.replace(index, new Map([['2', priceAs('string')]]));
    expect(catalog.check(shop, event({ price: 'x' }))).toEqual({ problems: [], version: 2 });
    expect(catalog.check(shop, event({ price: 1 }, 1))).toEqual({ problems: [], version: 1 });
    expect(compiler.compiled).toBe(2);
    // a version gone from the index (its application deleted) is forgotten
    catalog.replace([], new Map());
    expect(catalog.missing(index)).toEqual(['1', '2']);
  });

  it('reports a stored schema that does not compile as the reason, instead of failing the worker', () => {
    const catalog = createSchemaCatalog(createSchemaCompiler());
    catalog.replace([row('1', 1, true)], new Map([['1', { type: 'strnig' }]]));
    expect(catalog.check(shop, event({}))).toEqual({
      problems: [{ path: 'schema_version', message: expect.stringMatching(/^version 1 of this kind's schema cannot be used: schema is invalid/) }],
      version: 1,
    });
  });
});
