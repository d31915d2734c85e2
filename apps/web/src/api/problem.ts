import type { ToastServiceMethods } from 'primevue/toastservice';
import { t, te } from '../i18n';
import type { ProblemDetails } from './types';

/** A non-2xx answer from the API, with its RFC 9457 problem+json body when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails | null;

  constructor(status: number, body: unknown) {
    const problem = asProblem(body, status);
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a problem+json body defensively: the server (or a proxy) may send anything. */
export function asProblem(body: unknown, status: number): ProblemDetails | null {
  if (!isRecord(body)) return null;
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(isRecord).map((e) => ({
        field: typeof e.field === 'string' ? e.field : '',
        message: typeof e.message === 'string' ? e.message : '',
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
        ...(typeof e.row === 'number' ? { row: e.row } : {}),
      }))
    : undefined;
  return {
    // RFC 9457: an absent type means "about:blank".
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : '',
    status: typeof body.status === 'number' ? body.status : status,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
    errors,
  };
}

/** Where the error happened changes how a few statuses read (a 401 on sign-in means bad credentials). */
export type ErrorContext = 'login' | 'default';

export interface ReadableError {
  /** One sentence for the user. */
  summary: string;
  /** One line per invalid field ("E-mail : must be an email" in French), for 400/422. */
  details: string[];
  /** HTTP status, or null when the server could not be reached. */
  status: number | null;
  /** Server-side request id to quote to support, for 5xx. */
  requestId?: string;
}

function fieldLabel(field: string): string {
  // "scopes[0]" or "address.city" → first segment for the label, full path kept otherwise.
  const root = field.split(/[.[]/)[0] ?? field;
  const key = `fields.${root}`;
  return te(key) ? t(key) : field;
}

function fieldLines(problem: ProblemDetails | null): string[] {
  return (problem?.errors ?? [])
    .filter((e) => e.message !== '' || e.field !== '')
    .map((e) => (e.field ? t('errors.fieldLine', { field: fieldLabel(e.field), message: e.message }) : e.message));
}

/**
 * Turns anything thrown by an API call into a translated, readable message.
 * Non-ApiError values (fetch's TypeError, aborted requests) mean the server was unreachable.
 */
export function readableError(error: unknown, context: ErrorContext = 'default'): ReadableError {
  if (!(error instanceof ApiError)) {
    return { summary: t('errors.network'), details: [], status: null };
  }
  const { status, problem } = error;
  const base = { status, details: [] as string[] };
  switch (status) {
    case 400:
    case 422: {
      const details = fieldLines(problem);
      const summary = details.length > 0 ? t('errors.validation') : (problem?.detail ?? t('errors.validation'));
      return { ...base, summary, details };
    }
    case 401:
      return { ...base, summary: context === 'login' ? t('errors.badCredentials') : t('errors.sessionExpired') };
    case 403:
      return { ...base, summary: t('errors.forbidden') };
    case 404:
      return { ...base, summary: t('errors.notFound') };
    case 409:
      return { ...base, summary: problem?.detail ?? t('errors.conflict') };
    case 429:
      return { ...base, summary: t('errors.tooManyRequests') };
    case 502:
    case 503:
    case 504:
      // What a reverse proxy (or Vite's dev proxy) answers when the API is down.
      return { ...base, status, summary: t('errors.network'), requestId: problem?.requestId };
    default:
      if (status >= 500) {
        return { ...base, summary: t('errors.server'), requestId: problem?.requestId };
      }
      return { ...base, summary: problem?.detail ?? problem?.title ?? t('errors.unknown') };
  }
}

/** The readable error as plain text (summary, field lines, support reference). */
export function errorText(error: unknown, context: ErrorContext = 'default'): string {
  const readable = readableError(error, context);
  const lines = [readable.summary, ...readable.details];
  if (readable.requestId) lines.push(t('errors.reference', { id: readable.requestId }));
  return lines.join('\n');
}

/** Shows the readable error in a PrimeVue toast. */
export function toastError(toast: Pick<ToastServiceMethods, 'add'>, error: unknown, context: ErrorContext = 'default'): void {
  const readable = readableError(error, context);
  const extra = [...readable.details];
  if (readable.requestId) extra.push(t('errors.reference', { id: readable.requestId }));
  toast.add({
    severity: 'error',
    summary: readable.summary,
    detail: extra.length > 0 ? extra.join('\n') : undefined,
    life: 8000,
  });
}
