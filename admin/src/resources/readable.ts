import type { PropertyOptions } from 'adminjs';
import type { AdminComponents } from '../components.js';

/** An application id shown as the application's name, linked, and filtered with a select of names. */
export const applicationReference: PropertyOptions = { reference: 'Application' };

/** Times to the second with their zone (AdminJS shows them to the minute, in no stated zone). */
export function readableTimes(components: AdminComponents, names: readonly string[]): Record<string, PropertyOptions> {
  return Object.fromEntries(names.map((name) => [name, { components: { list: components.Timestamp, show: components.Timestamp } }]));
}

/** A section of a record's page that is no column: the component reads what the resource put in the record's params. */
export const pageSection = (component: string): PropertyOptions => ({
  type: 'string',
  isSortable: false,
  isVisible: { show: true, list: false, edit: false, filter: false },
  components: { show: component },
});
