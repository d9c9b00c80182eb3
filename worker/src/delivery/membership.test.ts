import { silentLog } from '@argus/shared/testing';
import { assignDestinations } from './assignment.js';
import { memoryWorkerRegistry } from './fakes.js';
import { joinDeliveryWorkers } from './membership.js';

describe('the delivering workers', () => {
  let clock = 0;
  const registry = memoryWorkerRegistry(() => clock);
  const join = (id: string, options: { heartbeatMs?: number; canDeliver?: () => boolean } = {}) =>
    joinDeliveryWorkers({ registry, self: { id, host: 'test', pid: 1 }, heartbeatMs: 60_000, ttlMs: 3000, log: silentLog, ...options });

  beforeEach(() => {
    clock = 0;
    registry.seen.clear();
  });

  it('counts a worker alive from its first heartbeat, and gone once it left', async () => {
    const a = await join('a');
    const b = await join('b');
    expect((await a.live()).sort()).toEqual(['a', 'b']);
    await b.leave();
    expect(await a.live()).toEqual(['a']);
    expect(await b.live()).toEqual([]);
    await a.leave();
  });

  it('forgets a worker that stopped beating (killed) after the TTL, and hands its destinations over', async () => {
    const a = await join('a');
    const b = await join('b'); // its heartbeat timer never fires here: as if killed right after joining
    const destinations = ['d1', 'd2', 'd3', 'd4'];
    expect(new Set(assignDestinations(destinations, await a.live()).values())).toEqual(new Set(['a', 'b']));
    clock = 2999;
    await registry.heartbeat({ id: 'a', host: 'test', pid: 1 });
    expect((await a.live()).sort()).toEqual(['a', 'b']);
    clock = 3000;
    expect(await a.live()).toEqual(['a']);
    expect(new Set(assignDestinations(destinations, await a.live()).values())).toEqual(new Set(['a']));
    await Promise.all([a.leave(), b.leave()]);
  });

  it('stops beating while it cannot deliver (its broker away), so that it ages out, and comes back once it can', async () => {
    let connected = true;
    const a = await join('a');
    const b = await join('b', { heartbeatMs: 5, canDeliver: () => connected });
    connected = false;
    clock = 3000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await a.live()).toEqual([]);
    await registry.heartbeat({ id: 'a', host: 'test', pid: 1 });
    expect(await a.live()).toEqual(['a']);
    connected = true;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await a.live()).sort()).toEqual(['a', 'b']);
    await Promise.all([a.leave(), b.leave()]);
  });
});
