import { originsFromLines } from './allowed-origins.js';

describe('allowed origins typed one per line', () => {
  it('keeps each origin, leaving out blank lines and the spaces around them', () => {
    expect(originsFromLines('https://shop.example.com\n\n  http://localhost:3000 \r\n')).toEqual({ ok: true, origins: ['https://shop.example.com', 'http://localhost:3000'] });
  });

  it('lifts the restriction when no origin is left', () => {
    expect(originsFromLines(' \n')).toEqual({ ok: true, origins: null });
  });

  it('refuses what the api refuses, naming the line and why', () => {
    const result = originsFromLines('https://shop.example.com\n\nhttps://shop.example.com/checkout\nshop.example.com');
    expect(result.ok).toBe(false);
    const { message } = result as { message: string };
    expect(message).toContain('line 3, "https://shop.example.com/checkout": must be an origin such as https://shop.example.com');
    expect(message).toContain('line 4, "shop.example.com": must be an origin');
  });

  it('takes at most 100 origins, as the api does', () => {
    const many = Array.from({ length: 101 }, (_, index) => `https://shop${index}.example.com`).join('\n');
    expect(originsFromLines(many)).toEqual({ ok: false, message: 'Not saved: an application may list at most 100 origins' });
  });
});
