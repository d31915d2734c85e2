import { Foundation1795607176077 } from './1795607176077-Foundation.js';
import { Webhooks1795607589829 } from './1795607589829-Webhooks.js';
import { Receivables1795607953666 } from './1795607953666-Receivables.js';
import { Reporting1795608567626 } from './1795608567626-Reporting.js';
import { Customer3601795608647074 } from './1795608647074-Customer360.js';
import { ImportQueue1795609272327 } from './1795609272327-ImportQueue.js';
import { Dunning1795613997996 } from './1795613997996-Dunning.js';
import { Scoring1795623386517 } from './1795623386517-Scoring.js';
import { ScoringPredictions1795623440000 } from './1795623440000-ScoringPredictions.js';
import { KpiAggregates1795623450000 } from './1795623450000-KpiAggregates.js';
import { OpenItemsByCustomer1795623460000 } from './1795623460000-OpenItemsByCustomer.js';
import { AgeingBuckets1795623470000 } from './1795623470000-AgeingBuckets.js';
import { CreditCheckFigures1795623480000 } from './1795623480000-CreditCheckFigures.js';

/** Migrations in the order they run; `npm run migration:generate -- <Name>` adds a file to list here. */
export const MIGRATIONS: Function[] = [Foundation1795607176077, Webhooks1795607589829, Receivables1795607953666, Reporting1795608567626, Customer3601795608647074, ImportQueue1795609272327, Dunning1795613997996, Scoring1795623386517, ScoringPredictions1795623440000, KpiAggregates1795623450000, OpenItemsByCustomer1795623460000, AgeingBuckets1795623470000, CreditCheckFigures1795623480000];
