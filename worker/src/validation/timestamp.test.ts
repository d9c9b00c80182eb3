import { formatTimestamp, parseTimestamp } from './timestamp.js';

describe('event timestamps', () => {
  it.each([
    ['2021-01-01 09:15:27.243860', '2021-01-01T09:15:27.243860Z'],
    ['2023-01-01 09:15:27.243860Z', '2023-01-01T09:15:27.243860Z'],
    ['2023-01-01T09:15:27Z', '2023-01-01T09:15:27.000000Z'],
    ['2023-01-01T09:15:27.5+02:00', '2023-01-01T07:15:27.500000Z'],
    ['2023-01-01T09:15:27.123456789-0130', '2023-01-01T10:45:27.123456Z'],
    ['1969-12-31 23:59:59.999999', '1969-12-31T23:59:59.999999Z'],
  ])('reads %s as %s, keeping microseconds', (input, expected) => {
    const micros = parseTimestamp(input);
    expect(micros).toBeDefined();
    expect(formatTimestamp(micros!)).toBe(expected);
  });

  it.each(['2021-02-30 00:00:00', '2021-01-01 24:00:00', '2021-01-01', 'yesterday', '2021-01-01T09:15:27+2', ''])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });

  it('treats a timestamp without a zone as UTC', () => {
    expect(parseTimestamp('2021-01-01 09:15:27')).toBe(Date.UTC(2021, 0, 1, 9, 15, 27) * 1000);
  });
});
