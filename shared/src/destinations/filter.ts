import { routingKeyWord, type StoredEventMessage } from '../stored-events.js';

/** Which stored events a destination receives: each set field must match exactly; an unset one matches all. */
export type DestinationFilter = { applicationId: string | null; category: string | null; name: string | null };

/**
 * The binding of a destination's queue to the stored-events exchange. The application word is
 * always `*`: application names can be edited, so a name-based binding would go stale; the
 * consumer checks the application id instead. Category and name narrow the binding to their
 * routing-key words, which distinct names may share, so the consumer checks those exactly too.
 */
export function destinationBindingKey(filter: DestinationFilter): string {
  return ['*', filter.category === null ? '*' : routingKeyWord(filter.category), filter.name === null ? '*' : routingKeyWord(filter.name)].join('.');
}

export function matchesDestinationFilter(filter: DestinationFilter, event: Pick<StoredEventMessage, 'application_id' | 'category' | 'name'>): boolean {
  return (
    (filter.applicationId === null || filter.applicationId === event.application_id) &&
    (filter.category === null || filter.category === event.category) &&
    (filter.name === null || filter.name === event.name)
  );
}
