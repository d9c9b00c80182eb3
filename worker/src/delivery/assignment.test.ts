import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { assignDestinations, destinationsOf } from './assignment.js';

const ids = (count: number) => Array.from({ length: count }, () => randomUUID());
const loads = (owners: Map<string, string>, workers: readonly string[]) => workers.map((worker) => [...owners.values()].filter((owner) => owner === worker).length);
const moved = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([destination, owner]) => before.get(destination) !== owner).map(([destination]) => destination);

const uuids = (min: number, max: number) => fc.uniqueArray(fc.uuid(), { minLength: min, maxLength: max });

describe('assigning destinations to workers', () => {
  it('gives every destination exactly one of the live workers, and none without workers', () => {
    fc.assert(
      fc.property(uuids(0, 40), uuids(1, 8), (destinations, workers) => {
        const owners = assignDestinations(destinations, workers);
        expect([...owners.keys()].sort()).toEqual([...destinations].sort());
        for (const owner of owners.values()) expect(workers).toContain(owner);
      }),
    );
    expect(assignDestinations(ids(3), []).size).toBe(0);
  });

  it('is the same whatever order each worker reads the lists in', () => {
    fc.assert(
      fc.property(uuids(1, 30), uuids(1, 6), fc.integer(), (destinations, workers, seed) => {
        const shuffle = <T>(list: readonly T[]) => [...list].sort(() => (seed % 3) - 1);
        expect(assignDestinations(shuffle(destinations), shuffle(workers))).toEqual(assignDestinations(destinations, workers));
      }),
    );
  });

  it('gives each of N workers ⌊M/N⌋ or ⌈M/N⌉ of M destinations', () => {
    fc.assert(
      fc.property(uuids(0, 60), uuids(1, 7), (destinations, workers) => {
        const counts = loads(assignDestinations(destinations, workers), workers);
        for (const count of counts) {
          expect(count).toBeGreaterThanOrEqual(Math.floor(destinations.length / workers.length));
          expect(count).toBeLessThanOrEqual(Math.ceil(destinations.length / workers.length));
        }
      }),
    );
  });

  it('splits four destinations two and two between two workers', () => {
    for (let round = 0; round < 50; round += 1) {
      const workers = ids(2);
      const destinations = ids(4);
      expect(workers.map((worker) => destinationsOf(worker, destinations, workers).length)).toEqual([2, 2]);
    }
  });

  // Exact balance has a price: a destination that must move may take the place of one that then
  // moves too. Measured over random sets, that adds about a quarter to the moves that must happen.
  it('moves the leaving worker’s destinations, and on average few others, when a worker leaves', () => {
    let orphaned = 0;
    let others = 0;
    for (let round = 0; round < 200; round += 1) {
      const [workers, destinations] = [ids(4), ids(20)];
      const before = assignDestinations(destinations, workers);
      const after = assignDestinations(destinations, workers.slice(1));
      const orphans = new Set([...before].filter(([, owner]) => owner === workers[0]).map(([destination]) => destination));
      orphaned += orphans.size;
      others += moved(before, after).filter((destination) => !orphans.has(destination)).length;
      for (const orphan of orphans) expect(after.get(orphan)).not.toBe(workers[0]);
    }
    expect(others).toBeLessThan(0.5 * orphaned);
  });

  it('gives a joining worker its share, taken mostly straight from the others', () => {
    fc.assert(
      fc.property(uuids(1, 60), uuids(1, 6), fc.uuid(), (destinations, workers, joining) => {
        fc.pre(!workers.includes(joining));
        const after = assignDestinations(destinations, [...workers, joining]);
        const taken = [...after.values()].filter((owner) => owner === joining).length;
        expect(taken).toBeGreaterThanOrEqual(Math.floor(destinations.length / (workers.length + 1)));
        expect(taken).toBeLessThanOrEqual(Math.ceil(destinations.length / (workers.length + 1)));
      }),
    );
    let taken = 0;
    let elsewhere = 0;
    for (let round = 0; round < 200; round += 1) {
      const [workers, destinations, joining] = [ids(4), ids(20), randomUUID()];
      const before = assignDestinations(destinations, workers);
      const after = assignDestinations(destinations, [...workers, joining]);
      taken += [...after.values()].filter((owner) => owner === joining).length;
      elsewhere += moved(before, after).filter((destination) => after.get(destination) !== joining).length;
    }
    expect(elsewhere).toBeLessThan(0.6 * taken);
  });

  it('leaves the other destinations where they were when one is added or removed, mostly', () => {
    // measured, not a hard promise: room shifts by one slot, so a short chain of moves may follow
    const workers = ids(4);
    const destinations = ids(40);
    let total = 0;
    for (let round = 0; round < 40; round += 1) {
      const added = randomUUID();
      total += moved(assignDestinations(destinations, workers), assignDestinations([...destinations, added], workers)).filter((id) => id !== added).length;
    }
    expect(total / 40).toBeLessThan(4);
  });
});
