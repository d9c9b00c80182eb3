import type { PropertyOptions } from 'adminjs';
import type { AdminComponents } from '../components.js';

/** An application id shown as the application's name, linked, and filtered with a select of names. */
export const applicationReference: PropertyOptions = { reference: 'Application' };

/** Times to the second with their zone (AdminJS shows them to the minute, in no stated zone). */
export function readableTimes(components: AdminComponents, names: readonly string[]): Record<string, PropertyOptions> {
  return Object.fromEntries(names.map((name) => [name, { components: { list: components.Timestamp, show: components.Timestamp } }]));
}
