/**
 * Event timestamps as microseconds since the epoch: PostgreSQL keeps microseconds and a JS Date only
 * milliseconds, and epoch microseconds stay exact in a double for the next 200 years.
 * Accepts `2021-01-01 09:15:27.243860`, ISO 8601 with `T`, and either with `Z` or an offset;
 * without a zone the time is UTC.
 */
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

export type EpochMicros = number;

export function parseTimestamp(text: string): EpochMicros | undefined {
  const match = timestampPattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date rolls 2021-02-30 over to March; a real calendar date survives the round trip
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = Number((match[7] ?? '').padEnd(6, '0').slice(0, 6));
  return (date.getTime() - offsetMinutes(match[8]) * 60_000) * 1000 + fraction;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

/** ISO 8601 in UTC with all six fractional digits, as PostgreSQL reads it back without loss. */
export function formatTimestamp(micros: EpochMicros): string {
  const wholeSeconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros - wholeSeconds * 1_000_000).padStart(6, '0');
  return `${new Date(wholeSeconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

export const microsFromDate = (date: Date): EpochMicros => date.getTime() * 1000;
