import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '../context/request-context.js';

const VALID_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Opens the request context and sets the correlation id: the caller's `X-Request-Id` when it is
 * sane, a new UUID otherwise; echoed on every response.
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && VALID_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = requestId;
  (req as Request & { id?: string }).id = requestId;
  res.setHeader('X-Request-Id', requestId);
  RequestContext.run({ requestId }, () => next());
}
