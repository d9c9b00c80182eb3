import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { TokenClaims } from '@argus/shared';
import type { ZodType, z } from 'zod';
import type { Authenticate } from '../auth.js';
import { invalidInput, unsupportedMediaType } from '../errors.js';
import { errorBodySchema } from '../schemas.js';

/** Express 4 does not catch a rejected promise: hand it to the error middleware ourselves. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => void handler(req, res).catch(next);
}

export const readClaims = (authenticate: Authenticate, req: Request): TokenClaims => authenticate(req.headers.authorization, 'read');

/** An error answer in the document; without an example, openapi.ts gives it its status's usual one. */
export const errorResponse = (description: string, example?: { code: string; message: string }): ResponseConfig => ({
  description,
  content: { 'application/json': { schema: errorBodySchema, ...(example ? { example: errorExample(example) } : {}) } },
});

export const errorExample = (error: { code: string; message: string }) => ({ error: { ...error, request_id: '9b2e6c1a-4f0d-4c55-9d1e-2f7f0e5b8a31' } });

/** Statuses every authenticated route can answer whatever it does. */
export const authenticatedErrorResponses = {
  401: errorResponse('missing, malformed, foreign, expired or revoked token', { code: 'unauthorized', message: 'token has been revoked' }),
  500: errorResponse('unexpected failure; the request id identifies it in the logs'),
};

/** Statuses every authenticated read can answer besides its own. */
export const readErrorResponses = {
  400: errorResponse('a parameter is invalid; the message and `details` name it'),
  403: errorResponse('the token lacks the `read` scope, or `application_id` was given without the `admin` scope', { code: 'forbidden', message: 'this token lacks the "read" scope' }),
  ...authenticatedErrorResponses,
};

export type Describe = (registry: OpenAPIRegistry) => void;

/** Path parameters, a query or a body, validated by the schema the document shows; a 400 naming every field at fault. */
export function parseInput<S extends ZodType>(schema: S, input: unknown, code = 'invalid_parameter'): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalidInput(code, parsed.error);
}

/** Without this, express.json() would leave a body of another type unread and the route would see no body at all. */
export const requireJson: RequestHandler = (req, _res, next) => {
  next(req.is('application/json') ? undefined : unsupportedMediaType('Content-Type must be application/json'));
};
