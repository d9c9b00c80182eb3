import type { Problem } from '@argus/shared';

export type { Problem };

/** An event whose envelope is valid: what kind validators receive. */
export type IncomingEvent = {
  session_id: string;
  category: string;
  name: string;
  data: Record<string, unknown>;
  timestamp: string;
  /** The version of the application's schema for this kind to check `data` against, instead of the active one. */
  schema_version?: number;
};

/** A pure check of one event; problems are data (stored as reasons), never thrown. */
export type Validate = (event: IncomingEvent) => Problem[];

/** Builds the validator for one kind of event from that kind's options. */
export type ValidatorFactory<Options = unknown> = (options: Options) => Validate;
