import { AppError, type FieldError } from '@encours/api-core';

/** Stable codes of the receivables module, mapped to HTTP once by the problem filter. */
export const ReceivablesErrorCode = {
  OverAllocation: 'over-allocation',
  CurrencyMismatch: 'currency-mismatch',
  ImportRejected: 'import-rejected',
  SnapshotLimit: 'snapshot-limit',
  IdempotencyMismatch: 'idempotency-key-reused',
  DuplicateRef: 'duplicate-external-ref',
} as const;

export class ReceivablesError extends AppError {
  constructor(
    status: number,
    code: (typeof ReceivablesErrorCode)[keyof typeof ReceivablesErrorCode],
    message: string,
    errors: FieldError[] = [],
  ) {
    super(status, code, message, errors);
  }
}
