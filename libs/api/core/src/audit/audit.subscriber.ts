import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import {
  type EntitySubscriberInterface,
  EventSubscriber,
  type InsertEvent,
  type ObjectLiteral,
  type RemoveEvent,
  type UpdateEvent,
} from 'typeorm';
import { RequestContext } from '../context/request-context.js';
import { AuditLog } from './audit-log.entity.js';

/** Tables that are logs themselves or hold secrets only. */
const NOT_AUDITED = new Set(['audit_log', 'job_run', 'refresh_token']);
const SECRET = /hash$|secret$|password$|token$/i;

function redact(key: string, value: unknown): unknown {
  if (SECRET.test(key)) return '[redacted]';
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Every write made through TypeORM entities is recorded here, in the writer's transaction:
 * who (from the request context), what entity and id, which action, and the changed fields.
 * Bulk writes that bypass entities (multi-row SQL) call `AuditService.record` themselves.
 */
@EventSubscriber()
export class AuditSubscriber implements EntitySubscriberInterface {
  async afterInsert(event: InsertEvent<ObjectLiteral>): Promise<void> {
    const table = event.metadata.tableName;
    if (NOT_AUDITED.has(table) || !event.entity) return;
    const changes: Record<string, { to: unknown }> = {};
    for (const col of event.metadata.columns) {
      const v = col.getEntityValue(event.entity);
      if (v !== undefined && v !== null && !['createdAt', 'updatedAt', 'tenantId', 'id'].includes(col.propertyName)) {
        changes[col.propertyName] = { to: redact(col.propertyName, v) };
      }
    }
    await this.write(event.manager, table, event.entity, 'create', changes);
  }

  async afterUpdate(event: UpdateEvent<ObjectLiteral>): Promise<void> {
    const table = event.metadata.tableName;
    if (NOT_AUDITED.has(table) || !event.entity) return;
    const changes: Record<string, { from?: unknown; to: unknown }> = {};
    for (const col of event.updatedColumns) {
      if (col.propertyName === 'updatedAt') continue;
      changes[col.propertyName] = {
        from: event.databaseEntity ? redact(col.propertyName, col.getEntityValue(event.databaseEntity)) : undefined,
        to: redact(col.propertyName, col.getEntityValue(event.entity as ObjectLiteral)),
      };
    }
    if (!Object.keys(changes).length) return;
    await this.write(event.manager, table, { ...event.databaseEntity, ...event.entity }, 'update', changes);
  }

  async afterRemove(event: RemoveEvent<ObjectLiteral>): Promise<void> {
    const table = event.metadata.tableName;
    const entity = event.databaseEntity ?? event.entity;
    if (NOT_AUDITED.has(table) || !entity) return;
    await this.write(event.manager, table, { ...entity, id: event.entityId ?? entity.id }, 'delete', {});
  }

  private async write(
    manager: InsertEvent<ObjectLiteral>['manager'],
    table: string,
    entity: ObjectLiteral,
    action: AuditLog['action'],
    changes: AuditLog['changes'],
  ): Promise<void> {
    const ctx = RequestContext.get();
    const tenantId: string | undefined = table === 'tenant' ? entity.id : (entity.tenantId ?? ctx?.tenantId);
    if (!tenantId || !entity.id) return;
    await manager.insert(
      AuditLog,
      auditRow(tenantId, table, String(entity.id), action, changes) as QueryDeepPartialEntity<AuditLog>,
    );
  }
}

export function auditRow(
  tenantId: string,
  entity: string,
  entityId: string,
  action: AuditLog['action'],
  changes: AuditLog['changes'],
): Partial<AuditLog> {
  const ctx = RequestContext.get();
  const p = ctx?.principal;
  return {
    tenantId,
    entity,
    entityId,
    action,
    changes,
    actorType: p?.kind ?? 'system',
    actorId: p?.kind === 'user' ? p.userId : p?.kind === 'apiKey' ? p.apiKeyId : null,
    actorLabel: p?.kind === 'user' ? p.email : p?.kind === 'apiKey' ? `api-key:${p.name}` : (p?.name ?? 'system'),
    requestId: ctx?.requestId ?? null,
  };
}
