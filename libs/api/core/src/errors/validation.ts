import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationFailed, type FieldError } from './app-error.js';

/** Flattens class-validator errors into field paths such as `contacts[0].email`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const err of errors) {
    const isIndex = /^\d+$/.test(err.property);
    const path = parent ? (isIndex ? `${parent}[${err.property}]` : `${parent}.${err.property}`) : err.property;
    for (const [code, message] of Object.entries(err.constraints ?? {})) {
      out.push({ field: path, message: code === 'whitelistValidation' ? `${path} is not an accepted field` : message, code });
    }
    if (err.children?.length) out.push(...flattenValidationErrors(err.children, path));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
