export * from './currencies.js';
export * from './money.js';
export * from './calendar-date.js';
export * from './receivables/index.js';
