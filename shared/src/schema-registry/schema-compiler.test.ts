import { createSchemaCompiler, InvalidEventSchema } from './schema-compiler.js';

describe('the JSON Schema compiler', () => {
  const compiler = createSchemaCompiler();

  it('compiles a draft 2020-12 schema with formats and reports every error of a value', () => {
    const validate = compiler.compile({
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' }, price: { type: 'number' } },
      additionalProperties: false,
    });
    expect(validate({ email: 'ade@example.com', price: 3 })).toBe(true);
    expect(validate({ email: 'not an address', price: 'x', extra: 1 })).toBe(false);
    expect(validate.errors?.map((error) => error.keyword).sort()).toEqual(['additionalProperties', 'format', 'type']);
  });

  it.each([
    [{ type: 'strnig' }, /data\/type must be equal to one of the allowed values/],
    [{ propertiez: {} }, /unknown keyword: "propertiez"/],
    [{ properties: { a: { format: 'emial' } } }, /^unknown format "emial" in schema at path "#\/properties\/a": the schema is refused/],
    [{ $ref: 'https://example.com/elsewhere.json' }, /can't resolve reference/],
    [{ properties: { a: { pattern: '(' } } }, /error parsing regexp: missing closing \)/],
    [{ properties: { a: { pattern: '^(?=x)' } } }, /invalid or unsupported Perl syntax/],
    [[], /must be a JSON object/],
    ['{"type": "object"}', /must be a JSON object/],
  ])('refuses %j with the compiler message', (schema, message) => {
    expect(() => compiler.compile(schema)).toThrow(InvalidEventSchema);
    expect(() => compiler.compile(schema)).toThrow(message);
  });

  it('matches patterns in linear time, so a pattern built to backtrack cannot stall the worker', () => {
    const validate = compiler.compile({ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } }, patternProperties: { '^x(y+)+$': { type: 'number' } } });
    const hostile = `${'a'.repeat(100_000)}!`;
    expect(validate({ code: hostile })).toBe(false);
    expect(validate({ code: 'aaa', xyyy: 1 })).toBe(true);
    expect(validate({ [`x${'y'.repeat(100_000)}`]: 'not a number' })).toBe(false);
  });

  it('lets two schemas share an $id, as two applications may', () => {
    const first = compiler.compile({ $id: 'https://example.com/product.json', type: 'object' });
    const second = compiler.compile({ $id: 'https://example.com/product.json', type: 'string' });
    expect([first({}), second({})]).toEqual([true, false]);
  });
});
