import type { Destination } from '../entities/destination.js';

export const deliveryStatuses = ['delivering', 'receiver_down', 'paused', 'stopped'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * How a destination's delivery stands, in a word and a sentence for operators: delivering;
 * receiver down since when, and when the next probe goes; paused by the circuit breaker, and why;
 * or stopped.
 */
export function deliveryStatusOf(
  destination: Pick<Destination, 'state' | 'pausedReason' | 'receiverDownSince' | 'nextProbeAt'>,
  now: Date,
): { status: DeliveryStatus; description: string } {
  if (destination.state === 'paused') return { status: 'paused', description: `paused: ${destination.pausedReason ?? 'no reason recorded'}` };
  if (destination.state === 'stopped') return { status: 'stopped', description: 'stopped' };
  if (!destination.receiverDownSince) return { status: 'delivering', description: 'delivering' };
  const probeIn = destination.nextProbeAt ? Math.max(0, Math.ceil((destination.nextProbeAt.getTime() - now.getTime()) / 1000)) : null;
  const since = destination.receiverDownSince.toISOString();
  return { status: 'receiver_down', description: `receiver down since ${since}${probeIn === null ? '' : `, next probe in ${probeIn} s`}` };
}
