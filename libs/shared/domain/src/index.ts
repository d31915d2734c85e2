export * from './currencies.js';
export * from './money.js';
export * from './calendar-date.js';
export * from './receivables/index.js';
export * from './dunning/next-step.js';
export * from './dunning/priority.js';
export * from './dunning/penalties.js';
export * from './dunning/reference-rates.js';
