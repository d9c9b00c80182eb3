import { createSchemaCatalog, type SchemaIndexRow } from './schema-catalog.js';

const shop = '0b6a1f55-5a0e-4a8c-9a51-1d1c5b0c2a10';
const other = '7d4c2a9e-1b3f-4e6a-8c5d-9f0e1a2b3c4d';
const subject = (schemaVersion?: number, applicationId = shop, name = 'checkout') => ({ applicationId, category: 'purchase', name, schemaVersion });
const row = (id: string, version: number, active: boolean, suspendedReason: string | null = null): SchemaIndexRow => ({
  id,
  applicationId: shop,
  category: 'purchase',
  name: 'checkout',
  version,
  active,
  suspendedReason,
});
const priceAs = (type: string) => ({ type: 'object', required: ['price'], properties: { price: { type } } });

describe('the catalog of registered schemas', () => {
  it('picks the active version, or the one an event names', () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 1, true), row('2', 2, false)], new Map([['1', priceAs('number')], ['2', priceAs('string')]]));
    expect(catalog.choose(subject())).toEqual({ kind: 'check', id: '1', version: 1, schema: priceAs('number') });
    expect(catalog.choose(subject(2))).toEqual({ kind: 'check', id: '2', version: 2, schema: priceAs('string') });
  });

  it('refuses a version that does not exist, also for an application without schemas', () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    const missing = { kind: 'refused', version: null, problem: { path: 'schema_version', message: 'no version 7 of a schema is registered for this kind' } };
    expect(catalog.choose(subject(7))).toEqual(missing);
    expect(catalog.choose(subject(1, other))).toMatchObject({ kind: 'refused' });
  });

  it('lets events of kinds and applications without schemas through untouched', () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    expect(catalog.choose(subject(undefined, other))).toEqual({ kind: 'none' });
    expect(catalog.choose(subject(undefined, shop, 'refund'))).toEqual({ kind: 'none' });
    // versions registered but none active: nothing applies unless named
    catalog.replace([row('1', 1, false)], new Map());
    expect(catalog.choose(subject())).toEqual({ kind: 'none' });
  });

  it('asks only for versions it lacks, follows activations, and forgets versions gone from the index', () => {
    const catalog = createSchemaCatalog();
    expect(catalog.missing([row('1', 1, true)])).toEqual(['1']);
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    const index = [row('1', 1, false), row('2', 2, true)];
    expect(catalog.missing(index)).toEqual(['2']);
    catalog.replace(index, new Map([['2', priceAs('string')]]));
    expect(catalog.choose(subject())).toMatchObject({ kind: 'check', version: 2 });
    catalog.replace([], new Map());
    expect(catalog.missing(index)).toEqual(['1', '2']);
  });

  it('refuses a suspended version with its reason, whether this worker or the registry suspended it', () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 1, true), row('2', 2, false, 'a check exceeded 50 ms at T')], new Map([['1', priceAs('number')], ['2', priceAs('string')]]));
    expect(catalog.choose(subject(2))).toEqual({
      kind: 'refused',
      version: 2,
      problem: { path: 'schema_version', message: "version 2 of this kind's schema is suspended (a check exceeded 50 ms at T); register a simpler version" },
    });
    catalog.suspend('1', 'a check ran out of memory at T');
    // a refresh whose index does not know of it yet keeps the suspension
    catalog.replace([row('1', 1, true)], new Map());
    expect(catalog.choose(subject())).toMatchObject({ kind: 'refused', version: 1 });
  });

  it('lifts a suspension the registry recorded once the registry lifts it (an activation)', () => {
    const catalog = createSchemaCatalog();
    catalog.replace([row('1', 1, true)], new Map([['1', priceAs('number')]]));
    catalog.suspend('1', 'a check exceeded 50 ms at T');
    catalog.replace([row('1', 1, true, 'a check exceeded 50 ms at T')], new Map());
    expect(catalog.choose(subject())).toMatchObject({ kind: 'refused' });
    catalog.replace([row('1', 1, true)], new Map());
    expect(catalog.choose(subject())).toMatchObject({ kind: 'check', version: 1 });
  });
});
