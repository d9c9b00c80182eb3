import type { LoadResult, LoadWindow } from './http-load.js';

/** The three loads compared: POST /events and Segment's /v1/batch (plain, gzip), carrying the same events. */
export const segmentLoads = ['twin', 'plain', 'gzip'] as const;
export type SegmentLoad = (typeof segmentLoads)[number];

/** One cycle: each load's turn. */
export type SegmentCycle = Record<SegmentLoad, LoadWindow>;

export type SegmentComparison = {
  /** The whole load, all turns together (its failures and accepted events). */
  load: LoadResult;
  cycles: SegmentCycle[];
  windowSeconds: number;
  /** Each load's events/s, median over the cycles. */
  rate: Record<SegmentLoad, number>;
  /** Each Segment load against POST /events of the same cycle, median over the cycles. */
  ratio: Record<'plain' | 'gzip', number>;
  /** The ratio of every cycle, for the results file. */
  ratios: Record<'plain' | 'gzip', number[]>;
  /**
   * The api's CPU time per event of each load, over all its turns (a turn holds too few of the
   * kernel's 10 ms ticks to be measured alone): steadier than a rate on a machine shared with other
   * work, since another process takes turns on the cores rather than adding to this work (it leaves
   * out the broker's share, which larger messages raise).
   */
  apiCpuMicrosecondsPerEvent?: Record<SegmentLoad, number>;
};

/**
 * The Segment rows from one load whose three parts took turns on the same connections (see
 * http-load.ts `alternate`), each cycle in another order: a drift of the machine's other load, or of
 * the broker's queue filling, falls on all three alike. Every Segment figure is compared with POST
 * /events of its own cycle, and the median of the cycles is kept, so one disturbed cycle does not
 * move it. A cycle cut short by the end of the load is left out.
 */
export function compareSegmentCycles(load: LoadResult, windowSeconds: number): SegmentComparison {
  const byCycle = new Map<number, Partial<SegmentCycle>>();
  for (const window of load.windows ?? []) {
    const cycle = byCycle.get(window.cycle) ?? {};
    cycle[window.load as SegmentLoad] = window;
    byCycle.set(window.cycle, cycle);
  }
  const cycles = [...byCycle.values()].filter((cycle): cycle is SegmentCycle =>
    segmentLoads.every((name) => cycle[name] !== undefined && cycle[name].seconds >= windowSeconds * 0.8),
  );
  if (cycles.length === 0) throw new Error('the Segment load ran no whole cycle: give it more time');
  const perSecond = (window: LoadWindow) => window.acceptedEvents / window.seconds;
  const ratios = {
    plain: cycles.map((cycle) => perSecond(cycle.plain) / perSecond(cycle.twin)),
    gzip: cycles.map((cycle) => perSecond(cycle.gzip) / perSecond(cycle.twin)),
  };
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const cpuPerEvent = (name: SegmentLoad) => (sum(cycles.map((cycle) => cycle[name].cpuSeconds!)) * 1e6) / sum(cycles.map((cycle) => cycle[name].acceptedEvents));
  const withCpu = cycles.every((cycle) => segmentLoads.every((name) => cycle[name].cpuSeconds !== undefined));
  return {
    load,
    cycles,
    windowSeconds,
    rate: {
      twin: median(cycles.map((cycle) => perSecond(cycle.twin))),
      plain: median(cycles.map((cycle) => perSecond(cycle.plain))),
      gzip: median(cycles.map((cycle) => perSecond(cycle.gzip))),
    },
    ratio: { plain: median(ratios.plain), gzip: median(ratios.gzip) },
    ratios,
    ...(withCpu ? { apiCpuMicrosecondsPerEvent: { twin: cpuPerEvent('twin'), plain: cpuPerEvent('plain'), gzip: cpuPerEvent('gzip') } } : {}),
  };
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** The value below which `share` of them lie, interpolated between the two nearest. */
export function quantile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * share;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
