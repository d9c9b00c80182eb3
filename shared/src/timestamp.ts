/**
 * The one timestamp grammar of Argus: event timestamps and `sent_at` (api, worker, client contract),
 * and the time parameters of the query api.
 *
 * Accepted: `2023-01-01 09:15:27.243860` or ISO 8601 with `T`; 1 to 9 fractional digits (kept to the
 * microsecond, the rest dropped); `Z`, an offset (`+02:00`, `+0200`, `+02`) up to ±15:59, or no zone,
 * which means UTC. The instant must lie between 0001-01-01 and 9999-12-31 in UTC: PostgreSQL holds
 * more, but ISO text and most clients do not, and a year-0 or year-10000 value once stored would break
 * its readers.
 *
 * Times are microseconds since the epoch as a bigint: PostgreSQL keeps microseconds, a JS Date only
 * milliseconds, and a double loses microseconds beyond about 285 years from 1970.
 */
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/i;

export type EpochMicros = bigint;

const microsPerSecond = 1_000_000n;
/** 0001-01-01T00:00:00.000000Z and 9999-12-31T23:59:59.999999Z. */
export const earliestTimestamp: EpochMicros = -62_135_596_800n * microsPerSecond;
export const latestTimestamp: EpochMicros = 253_402_300_800n * microsPerSecond - 1n;

/** Is this instant one Argus stores (0001-01-01 to 9999-12-31, UTC)? */
export const isStorableInstant = (micros: EpochMicros): boolean => micros >= earliestTimestamp && micros <= latestTimestamp;

/** How timestamps are written, for messages and documentation. */
export const timestampGrammar = 'a timestamp such as "2023-01-01 09:15:27.243860" or ISO 8601, between the years 1 and 9999';

/** Reads a timestamp of the grammar above; undefined when the text is not one or names no real, storable instant. */
export function parseTimestamp(text: string): EpochMicros | undefined {
  const match = timestampPattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (year < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 15 || offsetMinutes > 59) return undefined;
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date rolls 2021-02-30 over to March; a real calendar date survives the round trip
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const offsetSign = match[8]?.startsWith('-') ? -1 : 1;
  const offsetSeconds = offsetSign * (offsetHours * 3600 + offsetMinutes * 60);
  const fraction = BigInt((match[7] ?? '').padEnd(6, '0').slice(0, 6));
  const micros = BigInt(date.getTime() / 1000 - offsetSeconds) * microsPerSecond + fraction;
  return isStorableInstant(micros) ? micros : undefined;
}

/** ISO 8601 in UTC with all six fractional digits, as PostgreSQL reads it back without loss. */
export function formatTimestamp(micros: EpochMicros): string {
  let seconds = micros / microsPerSecond;
  let fraction = micros % microsPerSecond;
  // bigint division truncates toward zero; before 1970 the fraction must still count forward
  if (fraction < 0n) {
    fraction += microsPerSecond;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString();
  // toISOString writes years past 9999 as +010000: such instants are never stored (isStorableInstant)
  return `${iso.slice(0, 19)}.${String(fraction).padStart(6, '0')}Z`;
}

