import { afterFailure, overdueSessions, wakeUpDelivers } from './decisions.js';
import { refused } from './fakes.js';
import type { FailedDelivery } from './webhook.js';

const schedule = { maxAttempts: 3, retryDelayMs: (attempts: number) => attempts * 100 };

describe('delivery decisions', () => {
  it('holds a failed event for its retry until the attempts are spent, then dead-letters it', () => {
    const failure = refused(503) as FailedDelivery;
    expect(afterFailure(failure, 1, schedule)).toEqual({ kind: 'hold', attempts: 1, delayMs: 100 });
    expect(afterFailure(failure, 2, schedule)).toEqual({ kind: 'hold', attempts: 2, delayMs: 200 });
    expect(afterFailure(failure, 3, schedule)).toEqual({ kind: 'dead-letter' });
  });

  it('dead-letters at once what the receiver marked Argus-No-Retry', () => {
    expect(afterFailure(refused(422, true) as FailedDelivery, 1, schedule)).toEqual({ kind: 'dead-letter' });
  });

  it('delivers a held session on the wake-up that is due, and ignores early, duplicate and stray ones', () => {
    expect(wakeUpDelivers(10_000, 10_000)).toBe(true);
    expect(wakeUpDelivers(10_500, 10_000)).toBe(true); // a little early: the broker's expiry is not exact
    expect(wakeUpDelivers(10_000, 40_000)).toBe(true); // late
    expect(wakeUpDelivers(20_000, 10_000)).toBe(false); // a duplicate of an earlier retry: the session's next is later
    expect(wakeUpDelivers(undefined, 10_000)).toBe(false); // the session is no longer held
  });

  it('finds the held sessions whose wake-up is overdue by the grace', () => {
    const held = new Map([
      ['late', 1000],
      ['due', 9000],
      ['later', 20_000],
    ]);
    expect(overdueSessions(held, 11_000, 5000)).toEqual(['late']);
  });
});
