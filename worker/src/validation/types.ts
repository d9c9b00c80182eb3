import type { Problem } from '@argus/shared';

export type { Problem };

/** What a kind's rules read of an event, once its category, name and data are valid. */
export type KindFields = { category: string; name: string; data: Record<string, unknown> };

/** A pure check of one event; problems are data (stored as reasons), never thrown. */
export type Validate = (event: KindFields) => Problem[];

/** Builds the validator for one kind of event from that kind's options. */
export type ValidatorFactory<Options = unknown> = (options: Options) => Validate;
