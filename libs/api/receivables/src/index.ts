import { Allocation } from './allocations/allocation.entity.js';
import { Customer, CustomerContact } from './customers/customer.entity.js';
import { ExchangeRate } from './exchange-rates/exchange-rate.entity.js';
import { IdempotencyKey, ImportMapping, ImportRun } from './imports/import.entities.js';
import { Payment } from './payments/payment.entity.js';
import { ReceivableItem } from './items/receivable-item.entity.js';

export * from './receivables.module.js';
export * from './receivables.errors.js';
export * from './allocations/allocation.entity.js';
export * from './allocations/allocation.service.js';
export * from './customers/customer.entity.js';
export * from './exchange-rates/exchange-rate.entity.js';
export * from './imports/import.entities.js';
export * from './items/receivable-item.entity.js';
export * from './payments/payment.entity.js';

export const RECEIVABLES_ENTITIES = [
  Customer,
  CustomerContact,
  ReceivableItem,
  Payment,
  Allocation,
  ExchangeRate,
  ImportRun,
  ImportMapping,
  IdempotencyKey,
];
