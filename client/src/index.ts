export { ArgusClient, type ArgusClientOptions, type ArgusClientStats, type DroppedEvents } from './argus-client.js';
export { ArgusDeliveryError, ArgusEventError, ArgusRequestError, type ArgusError, type ServerError } from './errors.js';
export type { ArgusCategoryData, ArgusEventKinds, EventData, TrackedEvent } from './event-kinds.js';
export type { DropPolicy } from './event-queue.js';
export type { RetryPolicy } from './retry-policy.js';
