/** A time as operators read it everywhere in the panel: with its zone, to the second (or the millisecond). */
export function formatTime(value: Date | string | null | undefined, precise = false): string {
  if (value === null || value === undefined || value === '') return '';
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return String(value);
  return `${time.toISOString().slice(0, precise ? 23 : 19).replace('T', ' ')} UTC`;
}
