/**
 * The last `capacity` ids added, oldest forgotten first. A destination's recently delivered event
 * ids: the same event reaches a destination's queue twice when a broker failover makes the worker
 * store and publish a batch again, and a delivery whose ack was lost with its channel comes back.
 * Receivers dedupe by webhook-id, but not sending what was just delivered spares them the work.
 */
export type RecentIds = { has(id: string): boolean; add(id: string): void };

export function recentIds(capacity: number): RecentIds {
  // a Set iterates in insertion order: its first element is the oldest
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      ids.delete(id);
      ids.add(id);
      if (ids.size > capacity) ids.delete(ids.values().next().value!);
    },
  };
}
