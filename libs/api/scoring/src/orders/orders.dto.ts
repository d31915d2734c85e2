import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { BulkRowErrorDto } from '../limits/bulk-input.js';
import { bool } from '../ratings/ratings.dto.js';

export class OpenOrderImportQuery {
  @ApiPropertyOptional({
    enum: ['upsert', 'snapshot'],
    default: 'upsert',
    description: 'snapshot: the batch is the full list of open orders; open orders absent from it are closed',
  })
  @IsOptional()
  @IsIn(['upsert', 'snapshot'])
  mode: 'upsert' | 'snapshot' = 'upsert';

  @ApiPropertyOptional({ default: false, description: 'Check and count, write nothing (row errors answered with 200)' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  dryRun: boolean = false;

  @ApiPropertyOptional({ default: false, description: 'Write the valid rows and report the others (default: all or nothing)' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  partial: boolean = false;

  @ApiPropertyOptional({
    description: 'Snapshot safety limit: most open orders it may close (default: 5% of open orders or 100, whichever is larger)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxClose?: number;
}

export class OpenOrderCountsDto {
  @ApiProperty({ example: 120 }) received: number;
  @ApiProperty({ example: 20 }) created: number;
  @ApiProperty({ example: 3 }) updated: number;
  @ApiProperty({ example: 95 }) unchanged: number;
  @ApiProperty({ example: 4, description: 'Open orders closed (amount 0, closed: true, or absent from a snapshot)' })
  closed: number;
  @ApiProperty({ example: 0 }) failed: number;
}

export class OpenOrderImportResultDto {
  @ApiProperty({ enum: ['upsert', 'snapshot'] }) mode: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ type: OpenOrderCountsDto }) counts: OpenOrderCountsDto;
  @ApiProperty({ example: 12, description: 'Customers whose limit usage was re-evaluated' }) customersEvaluated: number;
  @ApiProperty({ type: [BulkRowErrorDto], description: 'Rows left out (partial=true or dryRun=true); at most 1000' })
  errors: BulkRowErrorDto[];
}

export class OpenOrderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CMD-2026-0457' }) externalRef: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '2026-03-02' }) orderDate: string;
  @ApiProperty({ example: '12000.00', description: 'Not yet invoiced, incl. VAT' }) amount: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ example: '2026-03-20', nullable: true, type: String }) expectedInvoiceDate: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'When it stopped counting in the exposure' })
  closedAt: string | null;
  @ApiProperty({ example: '2026-03-02T08:00:00.000Z' }) updatedAt: string;
}

export class OpenOrderQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'closed', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'closed', 'all'])
  status: 'open' | 'closed' | 'all' = 'open';
}
