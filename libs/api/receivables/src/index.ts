import { Allocation } from './allocations/allocation.entity.js';
import { Customer, CustomerContact } from './customers/customer.entity.js';
import { ExchangeRate } from './exchange-rates/exchange-rate.entity.js';
import { IdempotencyKey, ImportMapping, ImportPayload, ImportRun } from './imports/import.entities.js';
import { Payment } from './payments/payment.entity.js';
import { ReceivableItem } from './items/receivable-item.entity.js';
import { CustomerEvent } from './timeline/customer-event.entity.js';

export * from './receivables.module.js';
export * from './receivables.errors.js';
export * from './allocations/allocation.entity.js';
export * from './allocations/allocation.service.js';
export * from './customers/customer.entity.js';
export * from './exchange-rates/exchange-rate.entity.js';
export * from './imports/import.entities.js';
export { ImportsService } from './imports/imports.service.js';
export * from './items/receivable-item.entity.js';
export * from './payments/payment.entity.js';
export * from './reporting/reporting.service.js';
export * from './timeline/customer-event.entity.js';
export * from './timeline/timeline.service.js';
export * from './timeline/invoice-overdue.service.js';

export const RECEIVABLES_ENTITIES = [
  Customer,
  CustomerContact,
  ReceivableItem,
  Payment,
  Allocation,
  ExchangeRate,
  ImportRun,
  ImportPayload,
  ImportMapping,
  IdempotencyKey,
  CustomerEvent,
];
export * from './shared/portfolio.js';
export { money, minorOf } from './shared/amounts.js';
export { convertMinor } from './reporting/reporting-math.js';
export { MAX_UPLOAD_BYTES, parseCsvFile, parseXlsxFile, uploadFormatOf, type UploadedImportFile } from './imports/upload-file.js';
