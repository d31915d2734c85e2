import { Foundation1795607176077 } from './1795607176077-Foundation.js';
import { Webhooks1795607589829 } from './1795607589829-Webhooks.js';
import { Receivables1795607953666 } from './1795607953666-Receivables.js';

/** Migrations in the order they run; `npm run migration:generate -- <Name>` adds a file to list here. */
export const MIGRATIONS: Function[] = [Foundation1795607176077, Webhooks1795607589829, Receivables1795607953666];
