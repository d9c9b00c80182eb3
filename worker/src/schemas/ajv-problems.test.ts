import { createSchemaCompiler } from '@argus/shared';
import { problemsFromAjv } from './ajv-problems.js';

const maxSchemaProblems = 20;

const problemsOf = (schema: Record<string, unknown>, data: unknown) => {
  const validate = createSchemaCompiler().compile(schema);
  validate(data);
  return problemsFromAjv(validate.errors, maxSchemaProblems);
};

describe("ajv's errors as stored reasons", () => {
  it('names the field in the path and keeps the message short', () => {
    const schema = { type: 'object', required: ['price'], properties: { price: { type: 'number' } } };
    expect(problemsOf(schema, { price: 'free' })).toEqual([{ path: 'data.price', message: 'must be number' }]);
    expect(problemsOf(schema, {})).toEqual([{ path: 'data.price', message: 'is required' }]);
  });

  it('names an unexpected property, and lists the allowed values of an enum or a const', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: { colour: { enum: ['red', 'blue'] }, kind: { const: 'shoe' } },
    };
    expect(problemsOf(schema, { colour: 'green', kind: 'hat', size: 9 })).toEqual([
      { path: 'data.size', message: 'is not allowed' },
      { path: 'data.colour', message: 'must be one of "red", "blue"' },
      { path: 'data.kind', message: 'must be "shoe"' },
    ]);
  });

  it('reads array indices and escaped JSON pointer segments into dotted paths', () => {
    const schema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { 'a/b~c': { type: 'string' } } } } } };
    expect(problemsOf(schema, { items: [{ 'a/b~c': 'ok' }, { 'a/b~c': 1 }] })).toEqual([{ path: 'data.items.1.a/b~c', message: 'must be string' }]);
  });

  it(`keeps at most ${maxSchemaProblems} problems and says how many more there were`, () => {
    const problems = problemsOf({ type: 'array', items: { type: 'string' } }, Array.from({ length: 30 }, (_, index) => index));
    expect(problems).toHaveLength(maxSchemaProblems + 1);
    expect(problems.at(-1)).toEqual({ path: 'data', message: 'and 10 more problems' });
  });

  it('counts the allowed values of a long enum instead of listing them', () => {
    const values = Array.from({ length: 5000 }, (_, index) => `v${index}`);
    expect(problemsOf({ type: 'object', properties: { code: { enum: values } } }, { code: 'x' })).toEqual([
      { path: 'data.code', message: 'must be one of 5,000 allowed values' },
    ]);
  });
});
