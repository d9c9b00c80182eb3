import { jest } from '@jest/globals';
import type { Logger } from '@argus/shared';
import { createRefusalLog } from './refusal-log.js';

describe('the log of refused requests', () => {
  const lines: unknown[][] = [];
  const log = { warn: (...args: unknown[]) => lines.push(args) } as unknown as Logger;
  const refusal = (code = 'broker_unreachable') => ({ code, message: 'the message broker is unreachable', requestId: 'r' });

  beforeEach(() => {
    lines.length = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('logs the first refusal of a spell whole, then one line per interval with the counts by code', () => {
    const logRefusal = createRefusalLog(log, 10_000);
    for (let second = 0; second < 31; second += 1) {
      for (let i = 0; i < 18; i += 1) logRefusal(refusal(i % 3 === 0 ? 'broker_blocked' : 'broker_unreachable'));
      jest.advanceTimersByTime(1000);
    }
    // 558 refusals in 31 s: the first, then a count every 10 s
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual([{ code: 'broker_blocked', requestId: 'r' }, 'the message broker is unreachable']);
    expect(lines[1]).toEqual([{ refused: { broker_blocked: 59, broker_unreachable: 120 }, seconds: 10 }, 'requests refused while the broker cannot take them']);
  });

  it('starts a new spell after a quiet interval', () => {
    const logRefusal = createRefusalLog(log, 10_000);
    logRefusal(refusal());
    jest.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(1);
    logRefusal(refusal());
    expect(lines).toHaveLength(2);
  });
});
