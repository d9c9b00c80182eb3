import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { TokenClaims } from '@argus/shared';
import type { ZodObject, ZodType, z } from 'zod';
import type { Authenticate } from '../auth.js';
import { badRequest } from '../errors.js';
import { errorBodySchema } from '../schemas.js';

/** Express 4 does not catch a rejected promise: hand it to the error middleware ourselves. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => void handler(req, res).catch(next);
}

export const readClaims = (authenticate: Authenticate, req: Request): TokenClaims => authenticate(req.headers.authorization, 'read');

export const errorResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

/** Statuses every authenticated read can answer besides its own. */
export const readErrorResponses = {
  400: errorResponse('a parameter is invalid; the message and `details` name it'),
  401: errorResponse('missing, malformed, foreign, expired or revoked token'),
  403: errorResponse('the token lacks the `read` scope, or `application_id` was given without the `admin` scope'),
  500: errorResponse('unexpected failure; the request id identifies it in the logs'),
};

export type Describe = (registry: OpenAPIRegistry) => void;

/** Path parameters, validated by the schema the document shows. */
export const parseParams = <S extends ZodObject>(schema: S, params: unknown): z.infer<S> => parseOrRefuse(schema, params, 'invalid_parameter');

/** A JSON request body; a problem names its field (`filter.category`), or `body` when the body itself is wrong. */
export const parseBody = <S extends ZodType>(schema: S, body: unknown): z.infer<S> => parseOrRefuse(schema, body, 'invalid_body');

function parseOrRefuse<S extends ZodType>(schema: S, input: unknown, code: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: [...issue.path, ...('keys' in issue ? issue.keys : [])].join('.') || 'body',
    message: issue.message,
  }));
  throw badRequest(code, details.map((detail) => `${detail.path}: ${detail.message}`).join('; '), details);
}
