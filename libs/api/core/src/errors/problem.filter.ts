import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { RequestContext } from '../context/request-context.js';
import { AppError, type FieldError } from './app-error.js';
import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from './problem.js';

const HTTP_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'too-many-requests',
};

/** Maps every error to RFC 9457 problem+json. Stack traces never reach the client. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { status, code, detail, errors, headers } = this.describe(exception);
    if (status >= 500) {
      this.logger.error({ err: exception, path: req.originalUrl }, 'Unhandled error');
    }
    const body: Problem = {
      type: problemType(code),
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail,
      instance: req.originalUrl?.split('?')[0],
      requestId: RequestContext.requestId() ?? (req.headers['x-request-id'] as string | undefined),
    };
    if (errors.length) body.errors = errors;
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private describe(exception: unknown): {
    status: number;
    code: string;
    detail: string;
    errors: FieldError[];
    headers: Record<string, string>;
  } {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        code: exception.code,
        detail: exception.message,
        errors: exception.errors,
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let detail = exception.message;
      if (typeof response === 'object' && response && 'message' in response) {
        const m = (response as { message: unknown }).message;
        detail = Array.isArray(m) ? m.join('; ') : String(m);
      }
      if (status === 400 && /JSON/.test(detail) && !/must|should/.test(detail)) {
        detail = `The request body is not valid JSON: ${detail}`;
      }
      if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(detail)) {
        detail = `No route matches ${detail.replace(/^Cannot /, '')}`;
      }
      return { status, code: HTTP_CODES[status] ?? 'error', detail, errors: [], headers: {} };
    }
    // Body parser errors (malformed JSON, too large) carry a status and a type.
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail =
        e.type === 'entity.parse.failed'
          ? 'The request body is not valid JSON'
          : e.type === 'entity.too.large'
            ? 'The request body is larger than the server accepts'
            : (e.message ?? 'Bad request');
      return { status, code: HTTP_CODES[status] ?? 'bad-request', detail, errors: [], headers: {} };
    }
    if (exception instanceof QueryFailedError) {
      const pg = exception.driverError as { code?: string; constraint?: string; detail?: string };
      if (pg?.code === '23505') {
        return {
          status: HttpStatus.CONFLICT,
          code: 'duplicate',
          detail: `A record with the same unique value already exists${pg.constraint ? ` (${pg.constraint})` : ''}`,
          errors: [],
          headers: {},
        };
      }
      if (pg?.code === '40P01' || pg?.code === '40001') {
        // A deadlock or serialization failure rolled the whole request back: safe to retry.
        return {
          status: HttpStatus.SERVICE_UNAVAILABLE,
          code: 'concurrent-update',
          detail: 'Another write on the same data ran at the same time; nothing was written. Retry the request.',
          errors: [],
          headers: { 'Retry-After': '1' },
        };
      }
      if (pg?.code === '22P02' || pg?.code === '22007' || pg?.code === '22008') {
        return { status: 400, code: 'bad-request', detail: 'A value has the wrong format', errors: [], headers: {} };
      }
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal-error',
      detail: 'An unexpected error occurred; quote the request id to the support team',
      errors: [],
      headers: {},
    };
  }
}
