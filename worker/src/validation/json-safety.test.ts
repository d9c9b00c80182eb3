import { storabilityProblems, storableCopy } from './json-safety.js';

describe('what PostgreSQL cannot store', () => {
  it('finds NUL characters in values and in field names', () => {
    expect(storabilityProblems({ data: { a: 'x\u0000y', 'b\u0000': 1 } }, 8).map((problem) => problem.path)).toEqual(['data.a', 'data.b\u0000']);
  });

  it('finds lone surrogates, which jsonb refuses, and leaves proper pairs alone', () => {
    const raw = JSON.parse('{"a": "x\\ud800y", "b": "\\udfff", "c": "\\ud83d\\ude00"}');
    expect(storabilityProblems(raw, 8).map((problem) => problem.path)).toEqual(['a', 'b']);
    expect(storableCopy(raw, 8)).toEqual({ a: 'x\uFFFDy', b: '\uFFFD', c: '\u{1F600}' });
  });

  it('finds nesting deeper than allowed', () => {
    let deep: unknown = {};
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    expect(storabilityProblems(deep, 33)).toEqual([{ path: expect.stringMatching(/^next(\.next)+$/), message: 'is nested deeper than 33 levels' }]);
    expect(storabilityProblems({ data: { a: [1, { b: 2 }] } }, 33)).toEqual([]);
  });

  it('makes a copy that can be stored, keeping own "__proto__" keys as plain data', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "name": "a\\u0000b"}');
    const copy = storableCopy(raw, 8) as Record<string, unknown>;
    expect(copy.name).toBe('a\uFFFDb');
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
