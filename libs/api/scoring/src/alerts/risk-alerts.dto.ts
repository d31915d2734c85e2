import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { bool } from '../ratings/ratings.dto.js';
import { ALERT_TYPES, type AlertType } from './risk-alert.entity.js';

const SEVERITIES = ['info', 'warning', 'critical'] as const;

export class RiskAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ALERT_TYPES, example: 'limit_threshold' }) type: AlertType;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) customerId: string | null;
  @ApiProperty({ example: 'C00042', nullable: true, type: String }) customerRef: string | null;
  @ApiProperty({ example: 'Industrie Alpes SAS', nullable: true, type: String }) customerName: string | null;
  @ApiProperty({ enum: SEVERITIES, example: 'critical' }) severity: string;
  @ApiProperty({
    example:
      'Industrie Alpes SAS (C00042): exposure 52000.00 EUR is 104.00% of the credit limit of 50000.00 EUR, over the 100% level',
    description: 'English sentence; the web app renders its own text from `data`',
  })
  message: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { level: 100, usagePercent: '104.00', exposure: '52000.00', limit: '50000.00', currency: 'EUR', crossing: 1 },
    description:
      'limit_threshold: level, usagePercent, exposure, limit, currency, crossing; limit_review: limitId, kind (review | expiry), date; limit_approval: limitId, amount, increase, threshold; legal_event: legalEvent, legalEventDate, provider',
  })
  data: Record<string, unknown>;
  @ApiProperty({ example: null, nullable: true, type: String }) readAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) readById: string | null;
  @ApiProperty({ example: '2026-03-02T08:10:00.000Z' }) createdAt: string;
}

export class RiskAlertQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: unread only; false: read only' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ enum: ALERT_TYPES })
  @IsOptional()
  @IsIn(ALERT_TYPES)
  type?: AlertType;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class ReadAllQuery {
  @ApiPropertyOptional({ enum: ALERT_TYPES, description: 'Only alerts of this type' })
  @IsOptional()
  @IsIn(ALERT_TYPES)
  type?: AlertType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only alerts of this customer' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class UnreadCountDto {
  @ApiProperty({ example: 7 }) count: number;
  @ApiProperty({ example: 2, description: 'Of which critical' }) critical: number;
}

export class ReadAllResultDto {
  @ApiProperty({ example: 7, description: 'Alerts marked read' }) updated: number;
}
