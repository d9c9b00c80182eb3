/** The error body every Argus endpoint answers with. */
export type ServerError = { code: string; message: string; request_id?: string; details?: unknown[] };

/** An event refused by the client itself, thrown by `track` (too large, not serialisable, client closed). */
export class ArgusEventError extends Error {
  override name = 'ArgusEventError';
  constructor(
    readonly code: 'event_too_large' | 'event_not_serialisable' | 'invalid_event_id' | 'client_closed',
    message: string,
  ) {
    super(message);
  }
}

/** The server refused a batch with a 4xx: retrying cannot help, so its events are not sent again. */
export class ArgusRequestError extends Error {
  override name = 'ArgusRequestError';
  constructor(
    readonly status: number,
    readonly server: ServerError,
    readonly eventIds: string[],
  ) {
    super(`Argus refused ${eventIds.length} events with ${status} ${server.code}: ${server.message}`);
  }
}

/** A batch still failed (network error, 429, 5xx) after the last attempt the retry policy allows. */
export class ArgusDeliveryError extends Error {
  override name = 'ArgusDeliveryError';
  constructor(
    readonly attempts: number,
    readonly lastFailure: string,
    readonly eventIds: string[],
  ) {
    super(`gave up on ${eventIds.length} events after ${attempts} attempts; last failure: ${lastFailure}`);
  }
}

export type ArgusError = ArgusRequestError | ArgusDeliveryError;
