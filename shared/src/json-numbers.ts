/**
 * JSON numbers that a double cannot hold as written: beyond ±1.8e308, too small to be anything but
 * 0, or with more significant digits than a double keeps (integers past ±2^53 among them). JSON.parse
 * would change them silently (`1e400` → null once serialised, `9007199254740993` → …992), so the api
 * refuses them instead of storing something the client did not send. `-0` is the one exception: it
 * equals 0, and is stored as 0.
 */
const token = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The number literals of a JSON text that would not survive parsing, at most `limit` of them. */
export function inexactNumbers(json: string, limit = 5): string[] {
  const found: string[] = [];
  token.lastIndex = 0;
  for (let match = token.exec(json); match && found.length < limit; match = token.exec(json)) {
    const text = match[0];
    // strings are matched whole so that digits inside them are never read as numbers
    if (text.charCodeAt(0) === 34) continue;
    // fifteen significant digits or fewer without an exponent always survive a double
    if (text.length <= 15 && !/[eE]/.test(text)) continue;
    if (!isExact(text)) found.push(text);
  }
  return found;
}

function isExact(text: string): boolean {
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  const written = decimal(text);
  const kept = decimal(String(value));
  if (written.digits === '' && kept.digits === '') return true; // zero, -0 included
  return written.digits === kept.digits && written.exponent === kept.exponent && written.negative === kept.negative;
}

/** A decimal literal as sign, significant digits and the power of ten of the last digit. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const fraction = match[3] ?? '';
  let digits = `${match[2]}${fraction}`.replace(/^0+/, '');
  let exponent = Number(match[4] ?? 0) - fraction.length;
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return { negative: match[1] === '-', digits, exponent };
}
