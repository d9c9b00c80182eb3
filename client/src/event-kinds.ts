/**
 * The kinds the service checks (see the worker's validation registry), so their `data` is typed.
 * Extend it for your own kinds with declaration merging:
 * `declare module '@argus/client' { interface ArgusEventKinds { checkout: { paid: { amount: number } } } }`
 */
export interface ArgusEventKinds {
  'page interaction': {
    pageview: PageData;
    'cta click': PageData & { element: string };
  };
  'form interaction': {
    submit: PageData & { form: Record<string, unknown> };
  };
}

/** What every event of a category needs, whatever its name. */
export interface ArgusCategoryData {
  'page interaction': PageData;
  'form interaction': PageData;
}

type PageData = { host: string; path: string; [field: string]: unknown };
type AnyData = Record<string, unknown>;

/** The `data` an event of that category and name must carry: typed for known kinds, any object otherwise. */
export type EventData<C extends string, N extends string> = C extends keyof ArgusEventKinds
  ? N extends keyof ArgusEventKinds[C]
    ? ArgusEventKinds[C][N]
    : C extends keyof ArgusCategoryData
      ? ArgusCategoryData[C]
      : AnyData
  : C extends keyof ArgusCategoryData
    ? ArgusCategoryData[C]
    : AnyData;

export type TrackedEvent<C extends string = string, N extends string = string> = {
  /** A UUID naming the visit or session the event belongs to. */
  sessionId: string;
  category: C;
  name: N;
  data: EventData<C, N>;
  /** When it happened; now when left out. */
  timestamp?: Date | string;
  /** Your own idempotency key (a UUID); one is generated when left out. */
  eventId?: string;
  /** Check `data` against this version of the kind's registered JSON Schema instead of the active one. */
  schemaVersion?: number;
};
