import { boundReasons } from './bound-reasons.js';

const limits = { maxReasons: 3, maxReasonLength: 20 };

describe('bounded reasons', () => {
  it('keeps reasons within the limits as they are', () => {
    const problems = [{ path: 'data.a', message: 'is required' }];
    expect(boundReasons(problems, limits)).toEqual(problems);
  });

  it('keeps at most the limit, the last saying how many more there were', () => {
    const problems = Array.from({ length: 10 }, (_, index) => ({ path: `data.${index}`, message: 'must be string' }));
    expect(boundReasons(problems, limits)).toEqual([
      { path: 'data.0', message: 'must be string' },
      { path: 'data.1', message: 'must be string' },
      { path: '', message: 'and 8 more problems' },
    ]);
  });

  it('cuts a long path or message', () => {
    const [bounded] = boundReasons([{ path: 'p'.repeat(100), message: 'm'.repeat(5000) }], limits);
    expect(bounded!.path).toHaveLength(20);
    expect(bounded!.message).toBe(`${'m'.repeat(19)}…`);
  });
});
