import { deliveryStatusOf } from './delivery-status.js';

const now = new Date('2026-01-01T12:00:00Z');
const running = { state: 'running' as const, pausedReason: null, receiverDownSince: null, nextProbeAt: null };

describe('delivery status', () => {
  it('says delivering, receiver down with the next probe, paused with its reason, or stopped', () => {
    expect(deliveryStatusOf(running, now)).toEqual({ status: 'delivering', description: 'delivering' });
    const down = { ...running, receiverDownSince: new Date('2026-01-01T11:00:00Z'), nextProbeAt: new Date('2026-01-01T12:00:41.500Z') };
    expect(deliveryStatusOf(down, now)).toEqual({ status: 'receiver_down', description: 'receiver down since 2026-01-01T11:00:00.000Z, next probe in 42 s' });
    expect(deliveryStatusOf({ ...down, state: 'paused', pausedReason: 'no successful delivery since …' }, now)).toEqual({
      status: 'paused',
      description: 'paused: no successful delivery since …',
    });
    expect(deliveryStatusOf({ ...down, state: 'stopped' }, now).status).toBe('stopped');
  });
});
