import { earliestTimestamp, formatTimestamp, isStorableInstant, latestTimestamp, parseTimestamp } from './timestamp.js';

describe('the timestamp grammar', () => {
  it.each([
    ['2021-01-01 09:15:27.243860', '2021-01-01T09:15:27.243860Z'],
    ['2023-01-01 09:15:27.243860Z', '2023-01-01T09:15:27.243860Z'],
    ['2023-01-01T09:15:27Z', '2023-01-01T09:15:27.000000Z'],
    ['2023-01-01T09:15:27.5+02:00', '2023-01-01T07:15:27.500000Z'],
    ['2023-01-01T09:15:27.123456789-0130', '2023-01-01T10:45:27.123456Z'],
    ['2023-01-01T09:15:27+05', '2023-01-01T04:15:27.000000Z'],
    ['1969-12-31 23:59:59.999999', '1969-12-31T23:59:59.999999Z'],
    ['0001-01-01 00:00:00', '0001-01-01T00:00:00.000000Z'],
    ['0001-01-01 00:00:00.000001', '0001-01-01T00:00:00.000001Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999999Z'],
    ['9999-12-31T23:59:59.999999+15:59', '9999-12-31T08:00:59.999999Z'],
  ])('reads %s as %s, keeping microseconds across the whole range', (input, expected) => {
    const micros = parseTimestamp(input);
    expect(micros).toBeDefined();
    expect(formatTimestamp(micros!)).toBe(expected);
  });

  it.each([
    '2021-02-30 00:00:00',
    '2021-01-01 24:00:00',
    '2021-01-01 12:00:60',
    '2021-01-01',
    'yesterday',
    '2021-01-01T09:15:27+2',
    '2021-01-01T09:15:27+16:00',
    '2021-01-01T09:15:27-16:00',
    '2021-01-01T09:15:27+05:60',
    '2021-01-01T09:15:27.1234567890Z',
    '0000-01-01 00:00:00',
    '0001-01-01T00:00:00+00:01',
    '9999-12-31T23:59:59-14:00',
    '',
  ])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });

  it('treats a timestamp without a zone as UTC', () => {
    expect(parseTimestamp('2021-01-01 09:15:27')).toBe(BigInt(Date.UTC(2021, 0, 1, 9, 15, 27)) * 1000n);
  });

  it('bounds storable instants by years 1 and 9999', () => {
    expect(formatTimestamp(earliestTimestamp)).toBe('0001-01-01T00:00:00.000000Z');
    expect(formatTimestamp(latestTimestamp)).toBe('9999-12-31T23:59:59.999999Z');
    expect(isStorableInstant(earliestTimestamp - 1n)).toBe(false);
    expect(isStorableInstant(latestTimestamp + 1n)).toBe(false);
  });
});
