import { indentJson } from './json-text.js';

describe('indentJson', () => {
  it('lays out stored JSON as JSON.stringify would indent it', () => {
    const stored = '{"a": [1, 2, {"b": null}], "c": {}, "d": [], "e": "x"}';
    expect(indentJson(stored)).toBe(JSON.stringify(JSON.parse(stored), null, 2));
  });

  it('keeps what parsing would change: long numbers, dotted, numeric and prototype keys', () => {
    const stored = '{"0": "zero", "a.b": 1, "n": 12345678901234567890, "constructor": true, "__proto__": {"x": 1}}';
    const shown = indentJson(stored);
    expect(shown).toContain('"n": 12345678901234567890');
    expect(shown).toContain('"a.b": 1');
    expect(shown).toContain('"0": "zero"');
    expect(shown).toContain('"constructor": true');
    expect(shown).toContain('"__proto__": {\n    "x": 1\n  }');
  });

  it('leaves strings alone, escaped quotes, brackets, commas and spaces included', () => {
    const stored = '{"s": "a \\"quoted\\" [x, y]: {z}  "}';
    expect(indentJson(stored)).toBe('{\n  "s": "a \\"quoted\\" [x, y]: {z}  "\n}');
  });
});
