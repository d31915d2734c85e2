import type { DataSourceOptions, MixedList } from 'typeorm';
import { ApiKey } from '../auth/api-key.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { User } from '../auth/user.entity.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { AuditSubscriber } from '../audit/audit.subscriber.js';
import { JobRun } from '../jobs/job-run.entity.js';
import { WebhookDelivery } from '../events/webhook-delivery.entity.js';
import { WebhookSubscription } from '../events/webhook-subscription.entity.js';
import { BusinessUnit } from '../tenancy/business-unit.entity.js';
import { LegalEntity } from '../tenancy/legal-entity.entity.js';
import { Tenant } from '../tenancy/tenant.entity.js';
import { SnakeNamingStrategy } from './naming.strategy.js';

/** The platform's own tables; domain modules export theirs and the API composes the list. */
export const CORE_ENTITIES = [
  Tenant,
  LegalEntity,
  BusinessUnit,
  User,
  RefreshToken,
  ApiKey,
  AuditLog,
  JobRun,
  WebhookSubscription,
  WebhookDelivery,
];

/** TypeORM options: migrations only (never synchronize), snake_case names, the audit subscriber. */
export function dataSourceOptions(input: {
  url: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
  poolSize?: number;
  logQueries?: boolean;
}): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    subscribers: [AuditSubscriber],
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // Failed queries surface as errors through the problem filter (logged when unexpected);
    // TypeORM's own error log would also print expected ones such as CHECK violations.
    logging: input.logQueries ? 'all' : false,
    poolSize: input.poolSize ?? 10,
    extra: { max: input.poolSize ?? 10, application_name: 'encours' },
  };
}
