/** One field-level problem, reported in `errors[]` of a problem+json body. */
export interface FieldError {
  /** Path of the field in the request, e.g. `contacts[0].email` or `rows[12].dueDate`. */
  field: string;
  message: string;
  code?: string;
  /** Row number for bulk inputs (1-based, as a spreadsheet user counts). */
  row?: number;
}

/**
 * The one exception type of the platform. Domain modules throw it (or a subclass) with a
 * stable code; the problem filter maps it to RFC 9457 problem+json once.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super(404, 'not-found', id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }
}

export class ValidationFailed extends AppError {
  constructor(errors: FieldError[], message = 'The request is not valid') {
    super(400, 'validation-error', message, errors);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super(409, code, message, errors);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required', code = 'unauthorized') {
    super(401, code, message, [], { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'forbidden') {
    super(403, code, message);
  }
}
