import { timestampParameter } from './schemas.js';

describe('time filters', () => {
  it.each([
    ['2023-01-01 09:15:27.243860', '2023-01-01T09:15:27.243860Z'],
    ['2023-01-01T09:15:27Z', '2023-01-01T09:15:27Z'],
    ['2023-01-01T09:15:27+02:00', '2023-01-01T09:15:27+02:00'],
    ['2024-02-29 00:00:00', '2024-02-29T00:00:00Z'],
    ['2023-01-01T09:15:27-15:59', '2023-01-01T09:15:27-15:59'],
  ])('reads %s as %s (no zone is UTC)', (text, iso) => {
    expect(timestampParameter.parse(text)).toBe(iso);
  });

  it.each(['yesterday', '2023-01-01', '2023-02-30T00:00:00Z', '2023-01-01T24:00:00Z', '0000-01-01T00:00:00Z', '2023-01-01T00:00:00.1234567Z', '2023-01-01T00:00:00+16:00', '2023-01-01T00:00:00-9900', '2023-01-01T00:00:00+01:60'])(
    'refuses %s',
    (text) => {
      expect(timestampParameter.safeParse(text).success).toBe(false);
    },
  );
});
