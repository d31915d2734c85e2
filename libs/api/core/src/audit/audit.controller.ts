import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Access } from '../auth/access.decorator.js';
import { TenantDb } from '../database/tenant-db.js';
import { ApiPageResponse, PageQuery, toPage, type Page } from '../http/pagination.js';
import { AuditLog } from './audit-log.entity.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'app_user', description: 'Table name of the entity' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  entity?: string;

  @ApiPropertyOptional({ example: '5d0f1c1e-0b7a-4a57-9a39-0f5c2a3f4b10' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ enum: ['create', 'update', 'delete'] })
  @IsOptional()
  @IsIn(['create', 'update', 'delete'])
  action?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] }) actorType: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'demo@encours.test' }) actorLabel: string | null;
  @ApiProperty({ enum: ['create', 'update', 'delete'] }) action: string;
  @ApiProperty({ example: 'app_user' }) entity: string;
  @ApiProperty({ example: '5d0f1c1e-0b7a-4a57-9a39-0f5c2a3f4b10' }) entityId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { role: { from: 'viewer', to: 'collector' } } })
  changes: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly db: TenantDb) {}

  async list(q: AuditQuery): Promise<Page<AuditEntryDto>> {
    const qb = this.db.repo(AuditLog).qb('a').orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC');
    if (q.entity) qb.andWhere('a.entity = :entity', { entity: q.entity });
    if (q.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: q.entityId });
    if (q.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: q.actorId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.from) qb.andWhere('a.at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.at < :to', { to: q.to });
    const [rows, total] = await qb
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    return toPage(
      rows.map(({ tenantId: _tenantId, ...r }) => ({ ...r, at: r.at.toISOString() })),
      total,
      q,
    );
  }
}

@ApiTags('audit')
@Controller('v1/audit-log')
@Access({ roles: ['admin'] })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what: the audit log of my tenant, newest first' })
  @ApiPageResponse(AuditEntryDto)
  list(@Query() q: AuditQuery): Promise<Page<AuditEntryDto>> {
    return this.audit.list(q);
  }
}
