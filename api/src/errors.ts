import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { InvalidEventSchema, SchemaTooComplex, UnknownApplication, UnknownEventSchema, UnknownFilterApplication, type Logger } from '@argus/shared';
import type { ZodError } from 'zod';
import { PublishRefused } from './publisher.js';
import { createRefusalLog } from './refusal-log.js';

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
/** A 400 whose message and `details[].path` name each field at fault, an unknown one included. */
export function invalidInput(code: string, error: ZodError): ApiError {
  // an issue about the input as a whole (a body that is not an object) has no path: it names the body
  const pathOf = (path: PropertyKey[]) => path.map(String).join('.') || 'body';
  const details = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: code === 'invalid_body' ? 'unknown field' : 'unknown parameter' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  return badRequest(code, details.map((detail) => `${detail.path}: ${detail.message}`).join('; '), details);
}
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
  const logRefusal = createRefusalLog(log);
  return (res, error, requestId) => {
    const known = toApiError(error, retryAfterSeconds);
    if (!known) log.error({ err: error, requestId }, 'unexpected error');
    else if (known.status >= 500) logRefusal({ code: known.code, message: known.message, requestId });
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
  if (error instanceof InvalidEventSchema) return badRequest('invalid_schema', error.message, [{ path: 'schema', message: error.message }]);
  if (error instanceof SchemaTooComplex) return badRequest('schema_too_complex', error.message, [{ path: 'schema', message: error.message }]);
  if (error instanceof UnknownEventSchema || error instanceof UnknownApplication) return notFound(error.message);
  if (isClientHttpError(error)) return new ApiError(error.status, bodyErrorCodes[error.type ?? ''] ?? 'bad_request', error.message);
  if (error instanceof UnknownFilterApplication) return badRequest('invalid_body', `filter.application_id: ${error.message}`, [{ path: 'filter.application_id', message: error.message }]);
  return undefined;
}

/** express.json()'s refusals, by the `type` it gives them. */
const bodyErrorCodes: Record<string, string> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.large': 'body_too_large',
  'charset.unsupported': 'unsupported_media_type',
  'encoding.unsupported': 'unsupported_media_type',
};

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
function isClientHttpError(error: unknown): error is { status: number; message: string; type?: string } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error;
}
