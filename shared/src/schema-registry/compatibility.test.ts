import { incompatibleChanges, incompatibleDataChanges } from './compatibility.js';

const product = {
  type: 'object',
  required: ['sku'],
  properties: {
    sku: { type: 'string' },
    price: { type: 'number' },
    colour: { enum: ['red', 'green', 'blue'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
};
const withProperties = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...product,
  ...extra,
  properties: { ...product.properties, ...properties },
});
const changesOf = (previous: unknown, next: unknown) => incompatibleChanges(previous, next).map(({ path, change }) => `${change} ${path}`);

describe('the incompatibility report between two versions of a schema', () => {
  it('finds nothing when the schema only grows more lenient', () => {
    const lenient = {
      type: ['object', 'null'],
      properties: { ...product.properties, price: { type: ['number', 'string'] }, colour: { enum: ['red', 'green', 'blue', 'black'] } },
    };
    expect(incompatibleChanges(product, lenient)).toEqual([]);
    expect(incompatibleChanges(product, product)).toEqual([]);
  });

  it('reports a field newly required', () => {
    expect(incompatibleChanges(product, { ...product, required: ['sku', 'price'] })).toEqual([
      { path: 'data.price', change: 'required_added', message: 'is newly required' },
    ]);
  });

  it("reports a property's type changed or narrowed, and integer as narrower than number", () => {
    expect(changesOf(product, withProperties({ price: { type: 'string' } }))).toEqual(['type_narrowed data.price']);
    expect(changesOf(product, withProperties({ price: { type: 'integer' } }))).toEqual(['type_narrowed data.price']);
    expect(changesOf(withProperties({ price: { type: 'integer' } }), product)).toEqual([]);
    expect(incompatibleChanges({ type: ['string', 'number'] }, { type: 'string' })).toEqual([
      { path: 'data', change: 'type_narrowed', message: 'type changed from string or number to string' },
    ]);
    expect(changesOf(product, withProperties({ sku: false }))).toEqual(['type_narrowed data.sku']);
  });

  it('reports additional properties closed, and properties removed from a closed object', () => {
    expect(changesOf(product, { ...product, additionalProperties: false })).toEqual(['additional_properties_closed data']);
    const closed = { ...product, additionalProperties: false };
    const { colour: _colour, ...withoutColour } = product.properties;
    expect(changesOf(closed, { ...closed, properties: withoutColour })).toEqual(['property_removed data.colour']);
    // an open object may drop a property: events carrying it stay valid
    expect(changesOf(product, { ...product, properties: withoutColour })).toEqual([]);
    expect(changesOf(product, { ...product, unevaluatedProperties: false })).toEqual(['additional_properties_closed data']);
  });

  it('reports an enum narrowed, or a value newly limited to an enum or a const', () => {
    expect(incompatibleChanges(product, withProperties({ colour: { enum: ['red', 'blue'] } }))).toEqual([
      { path: 'data.colour', change: 'enum_narrowed', message: 'no longer allows "green"' },
    ]);
    expect(changesOf(product, withProperties({ sku: { type: 'string', const: 'A-1' } }))).toEqual(['enum_narrowed data.sku']);
    expect(changesOf({ const: 1 }, { enum: [1, 2] })).toEqual([]);
    expect(changesOf({ enum: [{ a: 1, b: 2 }] }, { enum: [{ b: 2, a: 1 }] })).toEqual([]);
    const withProto = (value: number) => JSON.parse(`{"enum": [{"__proto__": ${value}, "b": 2}]}`) as unknown;
    expect(changesOf(withProto(1), withProto(2))).toEqual(['enum_narrowed data']);
  });

  it('compares enums of thousands of values in one pass, and names the first dropped ones only', () => {
    const values = (a: number) => Array.from({ length: 10_000 }, (_, i) => ({ a, i }));
    const started = performance.now();
    const [change] = incompatibleChanges({ enum: values(0) }, { enum: values(1) });
    // comparing every pair took 13 s; one pass takes milliseconds (bounded generously for a busy machine)
    expect(performance.now() - started).toBeLessThan(2000);
    expect(change?.message).toMatch(/^no longer allows \{"a":0,"i":0\}, .* and 9980 more$/);
  });

  it('reads the type of an enum without one from its values: a string type accepts every string of it', () => {
    const currency = (schema: object) => ({ type: 'object', properties: { currency: schema } });
    expect(incompatibleChanges(currency({ enum: ['USD', 'EUR'] }), currency({ type: 'string' }))).toEqual([]);
    expect(changesOf(currency({ enum: ['USD', 1] }), currency({ type: 'string' }))).toEqual(['type_narrowed data.currency']);
    expect(changesOf(currency({ const: 3 }), currency({ type: 'number' }))).toEqual([]);
  });

  it('reports tightened bounds and new constraints, not loosened ones', () => {
    const bounded = withProperties({ sku: { type: 'string', minLength: 2, maxLength: 10 } });
    expect(changesOf(bounded, withProperties({ sku: { type: 'string', minLength: 3, maxLength: 10 } }))).toEqual(['limit_tightened data.sku']);
    expect(changesOf(bounded, withProperties({ sku: { type: 'string', minLength: 1, maxLength: 20 } }))).toEqual([]);
    expect(changesOf(product, withProperties({ sku: { type: 'string', pattern: '^[A-Z]' } }))).toEqual(['constraint_changed data.sku']);
  });

  it('looks into nested objects, array items, and properties new to a schema that had none', () => {
    const nested = (type: string) => ({ type: 'object', properties: { address: { type: 'object', properties: { zip: { type } } } } });
    expect(changesOf(nested('string'), nested('number'))).toEqual(['type_narrowed data.address.zip']);
    expect(changesOf(product, withProperties({ tags: { type: 'array', items: { type: 'integer' } } }))).toEqual(['type_narrowed data.tags[]']);
    // the first version allowed anything under "size"; declaring it narrows that
    expect(changesOf(product, withProperties({ size: { type: 'integer' } }))).toEqual(['type_narrowed data.size']);
    expect(changesOf({ ...product, additionalProperties: false }, withProperties({ size: { type: 'integer' } }, { additionalProperties: false }))).toEqual([]);
  });

  it('lists changed compound keywords as not analysed rather than judging them', () => {
    expect(changesOf(product, { ...product, anyOf: [{ required: ['price'] }, { required: ['tags'] }] })).toEqual(['not_analysed data']);
  });
});

describe('incompatible changes of data', () => {
  it('reads a root without a type as the object data always is', () => {
    expect(incompatibleDataChanges({ required: ['a'] }, { type: 'object', required: ['a'] })).toEqual([]);
    expect(incompatibleDataChanges({ type: 'object' }, { required: ['a'] }).map(({ path, change }) => `${change} ${path}`)).toEqual(['required_added data.a']);
  });
});
