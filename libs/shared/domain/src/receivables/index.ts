export * from './ageing.js';
export * from './kpis.js';
export * from './months.js';
