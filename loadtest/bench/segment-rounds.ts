import type { LoadResult } from './http-load.js';

/** The three loads compared: POST /events and Segment's /v1/batch (plain, gzip), carrying the same events. */
export const segmentLoads = ['twin', 'plain', 'gzip'] as const;
export type SegmentLoad = (typeof segmentLoads)[number];

/** A load's result, with the CPU time the api process spent meanwhile (when it could be read). */
export type MeasuredLoad = LoadResult & { apiCpuSeconds?: number };
export type SegmentRound = Record<SegmentLoad, MeasuredLoad>;

export type SegmentComparison = {
  rounds: SegmentRound[];
  seconds: number;
  /** Each load's events/s, median over the rounds. */
  rate: Record<SegmentLoad, number>;
  /** Each Segment load against POST /events of the same round, median over the rounds. */
  ratio: Record<'plain' | 'gzip', number>;
  /** The ratio of every round, for the results file. */
  ratios: Record<'plain' | 'gzip', number[]>;
  /**
   * The api's CPU time per event of each load, median over the rounds: steadier than a rate on a
   * machine shared with other work, since another process's load takes turns on the cores rather
   * than adding to this work (it leaves out the broker's share, which larger messages raise).
   */
  apiCpuMicrosecondsPerEvent?: Record<SegmentLoad, number>;
};

export type SegmentRoundOptions = {
  rounds: number;
  seconds: number;
  run: (load: SegmentLoad, seconds: number) => Promise<MeasuredLoad>;
  /** Called after each round (a Segment-only run empties the ingest queue there, so every round finds it alike). */
  afterRound?: () => Promise<void>;
};

/**
 * Runs the three loads in rounds, each round in another order (POST /events first, then second,
 * then last), so that a drift of the machine's other load, or of the broker's queue filling, falls
 * on all three alike; every Segment figure is compared with POST /events of its own round, and the
 * median of the rounds is kept, so one disturbed round does not move it.
 */
export async function compareSegmentRounds(options: SegmentRoundOptions): Promise<SegmentComparison> {
  const rounds: SegmentRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const results: Partial<SegmentRound> = {};
    for (const load of rotated(segmentLoads, round)) results[load] = await options.run(load, options.seconds);
    rounds.push(results as SegmentRound);
    await options.afterRound?.();
  }
  const perSecond = (result: LoadResult) => result.acceptedEvents / options.seconds;
  const ratios = {
    plain: rounds.map((round) => perSecond(round.plain) / perSecond(round.twin)),
    gzip: rounds.map((round) => perSecond(round.gzip) / perSecond(round.twin)),
  };
  return {
    rounds,
    seconds: options.seconds,
    rate: {
      twin: median(rounds.map((round) => perSecond(round.twin))),
      plain: median(rounds.map((round) => perSecond(round.plain))),
      gzip: median(rounds.map((round) => perSecond(round.gzip))),
    },
    ratio: { plain: median(ratios.plain), gzip: median(ratios.gzip) },
    ratios,
    ...(rounds.every((round) => segmentLoads.every((load) => round[load].apiCpuSeconds !== undefined))
      ? { apiCpuMicrosecondsPerEvent: Object.fromEntries(segmentLoads.map((load) => [load, median(rounds.map((round) => (round[load].apiCpuSeconds! * 1e6) / round[load].acceptedEvents))])) as Record<SegmentLoad, number> }
      : {}),
  };
}

export function rotated<T>(items: readonly T[], by: number): T[] {
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
