import { refused, delivered } from './fakes.js';
import { afterAttempt, blamesReceiver, probeDelayMs, receiverUp, type ReceiverHealth } from './receiver-health.js';

const policy = { downAfterFailures: 3, probeInitialMs: 1000, probeMaxMs: 8000 };
const fail = (health: ReceiverHealth, sessionId: string, now = 0, probe = false) => afterAttempt(health, { outcome: refused(null), sessionId, probe }, now, policy);

describe('receiver health', () => {
  it('counts as down after consecutive failures from at least two sessions, and schedules the first probe', () => {
    let health = fail(receiverUp, 'a');
    health = fail(health, 'b');
    expect(health.kind).toBe('up');
    health = fail(health, 'a', 500);
    expect(health).toEqual({ kind: 'down', since: 500, probesFailed: 0, nextProbeAt: 1500 });
  });

  it('does not count one session that keeps failing as a receiver that is down: its retries handle it', () => {
    let health: ReceiverHealth = receiverUp;
    for (let attempt = 0; attempt < 10; attempt += 1) health = fail(health, 'poison');
    expect(health.kind).toBe('up');
  });

  it('starts counting again after any answer that does not blame the receiver', () => {
    for (const answer of [delivered, refused(400), refused(503, true)]) {
      const health = afterAttempt(fail(fail(receiverUp, 'a'), 'b'), { outcome: answer, sessionId: 'c', probe: false }, 0, policy);
      expect(health).toEqual(receiverUp);
      expect(fail(fail(health, 'a'), 'b').kind).toBe('up');
    }
  });

  it('blames the receiver for no answer, 5xx, 408 and 429, not for other refusals or one marked final', () => {
    expect([null, 500, 503, 408, 429].map((status) => blamesReceiver(refused(status) as never))).toEqual([true, true, true, true, true]);
    expect([400, 404, 410, 422].map((status) => blamesReceiver(refused(status) as never))).toEqual([false, false, false, false]);
    expect(blamesReceiver(refused(503, true) as never)).toBe(false);
  });

  it('backs the probes off, doubling up to the maximum; only a failed probe moves the schedule', () => {
    expect([0, 1, 2, 3, 4, 40].map((failed) => probeDelayMs(failed, policy))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    const down = fail(fail(fail(receiverUp, 'a'), 'b'), 'a', 0);
    expect(fail(down, 'c', 900, false)).toBe(down);
    expect(fail(down, 'c', 1000, true)).toEqual({ kind: 'down', since: 0, probesFailed: 1, nextProbeAt: 3000 });
  });

  it('is up again on the first success, whether the probe or an attempt sent before the receiver went down', () => {
    const down = fail(fail(fail(receiverUp, 'a'), 'b'), 'a', 0);
    expect(afterAttempt(down, { outcome: delivered, sessionId: 'a', probe: true }, 1000, policy)).toEqual(receiverUp);
    expect(afterAttempt(down, { outcome: delivered, sessionId: 'z', probe: false }, 10, policy)).toEqual(receiverUp);
  });
});
