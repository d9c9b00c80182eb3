import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { UnknownFilterApplication, type Logger } from '@argus/shared';
import { PublishRefused } from './publisher.js';

export type ErrorDetail = { path?: string; message: string };

/**
 * Every failure a client can see: an HTTP status, a stable machine-readable code and a message
 * for people. Thrown anywhere; turned into the response in exactly one place, `sendError`.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { details?: ErrorDetail[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: ErrorDetail[]) => new ApiError(400, code, message, { details });
export const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const payloadTooLarge = (code: string, message: string, details?: ErrorDetail[]) => new ApiError(413, code, message, { details });
export const unsupportedMediaType = (message: string) => new ApiError(415, 'unsupported_media_type', message);
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds: number) =>
  new ApiError(503, code, message, { retryAfterSeconds });

export type SendError = (res: ServerResponse, error: unknown, requestId: string) => void;

/**
 * Writes the one error shape every endpoint answers with. Domain errors are translated here and
 * nowhere else; unknown errors are logged and become a 500 without internals.
 */
export function createErrorSender(options: { log: Logger; retryAfterSeconds: number }): SendError {
  const { log, retryAfterSeconds } = options;
  return (res, error, requestId) => {
    const known = toApiError(error, retryAfterSeconds);
    if (!known) log.error({ err: error, requestId }, 'unexpected error');
    else if (known.status >= 500) log.warn({ code: known.code, requestId }, known.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = known?.status ?? 500;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (known?.extra.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(known.extra.retryAfterSeconds));
    // A request refused for its size may still be streaming in: closing beats reading it all.
    if (known?.status === 413) res.setHeader('Connection', 'close');
    res.end(
      JSON.stringify({
        error: {
          code: known?.code ?? 'internal_error',
          message: known?.message ?? 'internal error; the request id identifies it in the logs',
          request_id: requestId,
          ...(known?.extra.details ? { details: known.extra.details } : {}),
        },
      }),
    );
  };
}

function toApiError(error: unknown, retryAfterSeconds: number): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof PublishRefused) return serviceUnavailable(`broker_${error.reason}`, error.message, retryAfterSeconds);
  if (error instanceof UnknownFilterApplication) return badRequest('invalid_body', `filter.application_id: ${error.message}`, [{ path: 'filter.application_id', message: error.message }]);
  if (isClientHttpError(error)) return new ApiError(error.status, 'bad_request', error.message);
  return undefined;
}

export function errorMiddleware(sendError: SendError): ErrorRequestHandler {
  return (error, _req, res, _next) => sendError(res, error, requestIdOf(res));
}

export const routeNotFound: RequestHandler = (req, _res, next) => next(notFound(`no route for ${req.method} ${req.path}`));

const clientRequestId = /^[\w.:-]{1,128}$/;

/** Adopts the caller's X-Request-Id when it is sane, else makes one; it follows the event to the worker. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers['x-request-id'];
  const requestId = typeof offered === 'string' && clientRequestId.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  return requestId;
}

export function requestIdOf(res: ServerResponse): string {
  return String(res.getHeader('X-Request-Id') ?? '');
}

/** Errors express and its middleware raise for a bad request (say, an undecodable path): a 4xx of ours. */
function isClientHttpError(error: unknown): error is { status: number; message: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error;
}
