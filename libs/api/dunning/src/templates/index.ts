export * from './merge-context.js';
export * from './merge-fields.js';
export * from './format.js';
export * from './sms.js';
export * from './render.js';
export * from './defaults.js';
export * from './sample-context.js';
