import { randomUUID } from 'node:crypto';
import type { Logger } from '@argus/shared';
import { NotFoundError } from 'adminjs';
import type { ErrorRequestHandler } from 'express';

const unknownResource = /^There are no resources with given id/;

/**
 * The panel's errors in the project's one JSON shape: a record or resource that does not exist is a
 * 404 naming it; anything else is logged with an id and answered 500 without internals (AdminJS's
 * router hands every failure to express, whose default answer prints the stack).
 */
export function answerErrors(log: Logger): ErrorRequestHandler {
  return (error: Error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof NotFoundError || unknownResource.test(error.message)) {
      res.status(404).json({ error: { code: 'not_found', message: error.message.split('\n')[0] } });
      return;
    }
    const id = randomUUID();
    log.error({ err: error, errorId: id, path: req.path }, 'admin request failed');
    res.status(500).json({ error: { id, code: 'internal', message: 'the admin panel failed to answer; the error is logged under this id' } });
  };
}
