/**
 * Indents JSON text without parsing it, so what is shown is exactly what is stored: numbers keep
 * every digit (JavaScript would round 12345678901234567890), and keys such as `a.b`, `0` or
 * `constructor` stay as they are. Whitespace outside strings is dropped and laid out again.
 */
export function indentJson(text: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = () => `\n${indent.repeat(depth)}`;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      const next = text.slice(i + 1).trimStart()[0];
      if (next === close) {
        out += char + close; // {} and [] stay on one line
        i = text.indexOf(close, i + 1);
        continue;
      }
      depth += 1;
      out += char + newline();
    } else if (char === '}' || char === ']') {
      depth -= 1;
      out += newline() + char;
    } else if (char === ',') {
      out += char + newline();
    } else if (char === ':') {
      out += ': ';
    } else {
      out += char;
    }
  }
  return out;
}
