import { Foundation1795607176077 } from './1795607176077-Foundation.js';

/** Migrations in the order they run; `npm run migration:generate -- <Name>` adds a file to list here. */
export const MIGRATIONS: Function[] = [Foundation1795607176077];
