import { isDeepStrictEqual } from 'node:util';

export const incompatibleChangeKinds = [
  'type_narrowed',
  'required_added',
  'additional_properties_closed',
  'property_removed',
  'enum_narrowed',
  'limit_tightened',
  'constraint_changed',
  'not_analysed',
] as const;

export type IncompatibleChange = {
  /** Where in the event, e.g. `data.price` or `data.tags[]` (an array's items). */
  path: string;
  change: (typeof incompatibleChangeKinds)[number];
  message: string;
};

type Schema = Record<string, unknown>;

const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'];
const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'];
const exactConstraints = ['pattern', 'format', 'multipleOf'];
/** Keywords whose effect depends on more than their own value: a change is reported, not judged. */
const compoundKeywords = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'prefixItems', 'contains'];

/**
 * Changes from `previous` to `next` that make some event valid under `previous` invalid under `next`:
 * a field newly required, a type narrowed, extra properties refused, a property dropped from a closed
 * object, an enum narrowed, a bound tightened. It walks `properties` and `items` and judges the common
 * keywords only; changed compound keywords ($ref, anyOf, …) are listed as not analysed. An empty list
 * is therefore no proof of compatibility, but every item in it is a real break.
 */
export function incompatibleChanges(previous: unknown, next: unknown, path = 'data'): IncompatibleChange[] {
  if (next === false && previous !== false) return [{ path, change: 'type_narrowed', message: 'accepts no value any more' }];
  if (!isSchema(previous) || !isSchema(next)) return [];
  return [
    ...typeChanges(previous, next, path),
    ...requiredChanges(previous, next, path),
    ...closedObjectChanges(previous, next, path),
    ...enumChanges(previous, next, path),
    ...constraintChanges(previous, next, path),
    ...propertyChanges(previous, next, path),
    ...itemChanges(previous, next, path),
  ];
}

/**
 * The changes between two schemas of an event's `data`. `data` is always an object (the envelope
 * requires it), so a schema without a `type` at its root already accepted objects only.
 */
export function incompatibleDataChanges(previous: unknown, next: unknown): IncompatibleChange[] {
  const asObjectSchema = (schema: unknown) => (isSchema(schema) && schema.type === undefined ? { ...schema, type: 'object' } : schema);
  return incompatibleChanges(asObjectSchema(previous), asObjectSchema(next));
}

function typeChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  const nextTypes = typesOf(next);
  if (!nextTypes) return [];
  const previousTypes = typesOf(previous) ?? typesOfValues(allowedValues(previous));
  const accepted = (type: string) => nextTypes.includes(type) || (type === 'integer' && nextTypes.includes('number'));
  if (previousTypes && previousTypes.every(accepted)) return [];
  const before = previousTypes ? previousTypes.join(' or ') : 'any type';
  return [{ path, change: 'type_narrowed', message: `type changed from ${before} to ${nextTypes.join(' or ')}` }];
}

function requiredChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  const before = new Set(stringsOf(previous.required));
  return stringsOf(next.required)
    .filter((name) => !before.has(name))
    .map((name) => ({ path: `${path}.${name}`, change: 'required_added', message: 'is newly required' }));
}

function closedObjectChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  if (!isClosed(next)) return [];
  const changes: IncompatibleChange[] = [];
  if (!isClosed(previous)) {
    changes.push({ path, change: 'additional_properties_closed', message: 'no longer allows properties beyond those it lists' });
  }
  const kept = propertiesOf(next);
  for (const name of Object.keys(propertiesOf(previous))) {
    if (!(name in kept)) changes.push({ path: `${path}.${name}`, change: 'property_removed', message: 'was removed while other properties are not allowed' });
  }
  return changes;
}

function enumChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  const allowed = allowedValues(next);
  if (!allowed) return [];
  const before = allowedValues(previous);
  if (!before) return [{ path, change: 'enum_narrowed', message: `is now limited to ${showSome(allowed)}` }];
  // one pass over each list (a Set of canonical forms): comparing every pair took seconds for enums of thousands
  const kept = new Set(allowed.map(canonicalJson));
  const dropped = before.filter((value) => !kept.has(canonicalJson(value)));
  return dropped.length === 0 ? [] : [{ path, change: 'enum_narrowed', message: `no longer allows ${showSome(dropped)}` }];
}

function constraintChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  const changes: IncompatibleChange[] = [];
  const tightened = (keyword: string, stricter: (now: number, before: number) => boolean) => {
    const now = next[keyword];
    const before = previous[keyword];
    if (typeof now !== 'number') return;
    if (typeof before !== 'number' || stricter(now, before)) {
      changes.push({ path, change: 'limit_tightened', message: `${keyword} is now ${now}${typeof before === 'number' ? ` (was ${before})` : ''}` });
    }
  };
  for (const keyword of lowerBounds) tightened(keyword, (now, before) => now > before);
  for (const keyword of upperBounds) tightened(keyword, (now, before) => now < before);
  for (const keyword of exactConstraints) {
    if (next[keyword] !== undefined && !isDeepStrictEqual(next[keyword], previous[keyword])) {
      changes.push({ path, change: 'constraint_changed', message: `${keyword} is now ${show(next[keyword])}` });
    }
  }
  for (const keyword of compoundKeywords) {
    if (next[keyword] !== undefined && !isDeepStrictEqual(next[keyword], previous[keyword])) {
      changes.push({ path, change: 'not_analysed', message: `${keyword} changed; the comparison does not look inside it` });
    }
  }
  return changes;
}

/** A property new to `next` is compared with what `previous` allowed there: its additionalProperties (anything, if open). */
function propertyChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  const before = propertiesOf(previous);
  return Object.entries(propertiesOf(next)).flatMap(([name, schema]) => {
    const previousSchema = name in before ? before[name] : previous.additionalProperties ?? {};
    return incompatibleChanges(previousSchema, schema, `${path}.${name}`);
  });
}

function itemChanges(previous: Schema, next: Schema, path: string): IncompatibleChange[] {
  if (next.items === undefined) return [];
  return incompatibleChanges(previous.items ?? {}, next.items, `${path}[]`);
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const isClosed = (schema: Schema) => schema.additionalProperties === false || schema.unevaluatedProperties === false;
const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const propertiesOf = (schema: Schema): Record<string, unknown> => (isSchema(schema.properties) ? schema.properties : {});
const show = (value: unknown) => JSON.stringify(value);
const shownValues = 20;
const showSome = (values: unknown[]) =>
  values.slice(0, shownValues).map(show).join(', ') + (values.length > shownValues ? ` and ${values.length - shownValues} more` : '');

/** JSON with object keys sorted: two values JSON Schema calls equal (`{"a":1,"b":2}`, `{"b":2,"a":1}`) get one text. */
const canonicalJson = (value: unknown): string => JSON.stringify(value, withSortedKeys);

function withSortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length < 2) return value;
  // fromEntries defines each key: a `__proto__` key stays a key
  return Object.fromEntries(keys.sort().map((key) => [key, (value as Record<string, unknown>)[key]]));
}

/** The JSON types of an enum's or a const's values: `{"enum": ["USD", "EUR"]}` accepted strings only. */
function typesOfValues(values: unknown[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const typeOf = (value: unknown) =>
    value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  return [...new Set(values.map(typeOf))];
}

function typesOf(schema: Schema): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  return Array.isArray(schema.type) ? stringsOf(schema.type) : undefined;
}

function allowedValues(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  return schema.const === undefined ? undefined : [schema.const];
}
