import { createHash } from 'node:crypto';

/**
 * Which live worker delivers each running destination. Every worker computes it alone from the
 * same two lists (the destinations table and the live workers), so they agree without talking.
 *
 * Rendezvous (highest-random-weight) hashing ranks the workers for each destination by
 * hash(destination, worker); plain rendezvous gives each destination its first choice, which is
 * balanced only on average: with 4 destinations and 2 workers it splits 3–1 or 4–0 more often
 * than 2–2. So the loads are bounded: each worker takes ⌊M/N⌋ or ⌈M/N⌉ destinations, and the
 * pairs are granted in order of weight, so a destination gets its highest-ranked worker that
 * still has room. A destination moves only when its ranking or the room changes: when a worker
 * leaves, its destinations go to their next choices and few others move; when one joins, it takes
 * the destinations that rank it high, about M/N of them.
 */
export function assignDestinations(destinationIds: readonly string[], workerIds: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  const workers = [...new Set(workerIds)];
  const destinations = [...new Set(destinationIds)];
  if (workers.length === 0) return owners;
  const base = Math.floor(destinations.length / workers.length);
  let extraLeft = destinations.length % workers.length;
  const load = new Map(workers.map((worker) => [worker, 0]));
  const pairs = destinations.flatMap((destination) => workers.map((worker) => ({ destination, worker, weight: weightOf(destination, worker) })));
  // ties cannot decide by input order, or two workers given the lists in another order would disagree
  pairs.sort((a, b) => Buffer.compare(b.weight, a.weight) || compareText(a.worker, b.worker) || compareText(a.destination, b.destination));
  for (const { destination, worker } of pairs) {
    if (owners.has(destination)) continue;
    const taken = load.get(worker)!;
    // ⌈M/N⌉ for only M mod N workers, so the loads differ by one at most
    const full = taken > base || (taken === base && extraLeft === 0);
    if (full) continue;
    if (taken === base) extraLeft -= 1;
    load.set(worker, taken + 1);
    owners.set(destination, worker);
  }
  return owners;
}

/** The destinations of this list that `workerId` delivers. */
export function destinationsOf(workerId: string, destinationIds: readonly string[], workerIds: readonly string[]): string[] {
  const owners = assignDestinations(destinationIds, workerIds);
  return destinationIds.filter((id) => owners.get(id) === workerId);
}

const weightOf = (destination: string, worker: string): Buffer => createHash('sha256').update(destination).update('\0').update(worker).digest();

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
