import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { IMPORT_ENTITIES, IMPORT_FORMATS, IMPORT_STATUSES, type ImportEntity } from './import.entities.js';

const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const delimiter = ({ value }: { value: unknown }) => (value === 'tab' || value === '\\t' ? '\t' : value);

export class ImportQuery {
  @ApiPropertyOptional({
    enum: ['upsert', 'snapshot'],
    default: 'upsert',
    description: 'snapshot: open items absent from the file are closed as settled outside',
  })
  @IsOptional()
  @IsIn(['upsert', 'snapshot'])
  mode: 'upsert' | 'snapshot' = 'upsert';

  @ApiPropertyOptional({ default: false, description: 'Validate and count, write nothing' })
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
    description: 'Snapshot safety limit: most open items it may close (default: 5% of open items or 100, whichever is larger)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxClose?: number;

  @ApiPropertyOptional({ enum: [',', ';', 'tab'], description: 'CSV delimiter; detected from the header when omitted' })
  @IsOptional()
  @Transform(delimiter)
  @IsIn([',', ';', '\t'], { message: 'delimiter must be , ; or tab' })
  delimiter?: string;

  @ApiPropertyOptional({
    description: 'CSV column mapping as JSON: {"CSV header": "field"}',
    example: '{"Code client":"customerRef","Montant TTC":"amount"}',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  mapping?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A saved mapping (see /import-mappings)' })
  @IsOptional()
  @IsUUID()
  mappingId?: string;

  @ApiPropertyOptional({
    enum: ['api', 'file'],
    default: 'api',
    description: 'file when a person uploads a file from the web app',
  })
  @IsOptional()
  @IsIn(['api', 'file'])
  source: 'api' | 'file' = 'api';

  @ApiPropertyOptional({ description: 'XLSX upload: the worksheet to read (default: the first one)', example: 'Factures' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  sheet?: string;

  @ApiPropertyOptional({
    description:
      'Run in the background (202 + statusUrl). Default: in the background for more than 10,000 rows and for file uploads; ' +
      'false runs an upload of at most 10,000 rows in the request (a dryRun upload always does)',
  })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  async?: boolean;
}

export class ImportQueuedDto {
  @ApiProperty({ format: 'uuid', description: 'The import run' }) importId: string;
  @ApiProperty({ enum: ['queued'] }) status: string;
  @ApiProperty({
    example: '/api/v1/imports/0b5d6c57-8f39-4d1c-9a61-3f0d2d6f1e11',
    description: 'Poll it for progress and the result',
  })
  statusUrl: string;
}

export class ImportCountsDto {
  @ApiProperty({ example: 120 }) received: number;
  @ApiProperty({ example: 20 }) created: number;
  @ApiProperty({ example: 3 }) updated: number;
  @ApiProperty({ example: 95 }) unchanged: number;
  @ApiProperty({ example: 2 }) failed: number;
  @ApiProperty({ example: 0, description: 'Open items closed by a snapshot' }) closed: number;
}

export class ImportRowErrorDto {
  @ApiProperty({ example: 12 }) row: number;
  @ApiProperty({ example: 'dueDate' }) field: string;
  @ApiProperty({ example: 'dueDate must be a real calendar date as YYYY-MM-DD' }) message: string;
}

export class ImportResultDto {
  @ApiProperty({ format: 'uuid', description: 'The import run' }) id: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: ImportEntity;
  @ApiProperty({ enum: ['upsert', 'snapshot'] }) mode: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ enum: IMPORT_STATUSES }) status: string;
  @ApiProperty({ type: ImportCountsDto }) counts: ImportCountsDto;
  @ApiProperty({ type: [ImportRowErrorDto] }) errors: ImportRowErrorDto[];
}

export class ImportRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: ImportEntity;
  @ApiProperty({ enum: ['api', 'file'] }) source: string;
  @ApiProperty({ enum: IMPORT_FORMATS }) format: string;
  @ApiProperty({ nullable: true, type: String, example: 'factures-2026-03.xlsx', description: 'The uploaded file' })
  fileName: string | null;
  @ApiProperty({ enum: ['upsert', 'snapshot'] }) mode: string;
  @ApiProperty() dryRun: boolean;
  @ApiProperty() partial: boolean;
  @ApiProperty({
    enum: IMPORT_STATUSES,
    description: 'queued → running → succeeded | partially_succeeded | rejected (row errors, nothing written) | failed',
  })
  status: string;
  @ApiProperty({ example: 100, description: '0..100: rows processed / rows received' }) progress: number;
  @ApiProperty({ type: ImportCountsDto }) counts: ImportCountsDto;
  @ApiProperty({ example: 2 }) errorCount: number;
  @ApiPropertyOptional({ type: [ImportRowErrorDto], description: 'The first 1000 row errors (on the detail only)' })
  errors?: ImportRowErrorDto[];
  @ApiProperty({ example: 'api-key:sage-x3', nullable: true, type: String }) actorLabel: string | null;
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-03-01T10:00:02.000Z' }) finishedAt: string | null;
}

export class ImportRunQuery extends PageQuery {
  @ApiPropertyOptional({ enum: IMPORT_ENTITIES }) @IsOptional() @IsIn(IMPORT_ENTITIES) entity?: ImportEntity;
}

export class ImportMappingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'sage-x3' }) source: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: ImportEntity;
  @ApiProperty({ example: { 'Code client': 'customerRef', 'Montant TTC': 'amount' } }) columns: Record<string, string>;
  @ApiProperty({ nullable: true, type: String, example: ';' }) delimiter: string | null;
}

export class CreateImportMappingDto {
  @ApiProperty({
    example: 'sage-x3',
    description: 'The source system; one mapping per source and entity (replaced when posted again)',
  })
  @IsString()
  @Length(1, 60)
  source: string;

  @ApiProperty({ enum: IMPORT_ENTITIES }) @IsIn(IMPORT_ENTITIES) entity: ImportEntity;

  @ApiProperty({ example: { 'Code client': 'customerRef', 'Montant TTC': 'amount' } }) @IsObject() columns: Record<
    string,
    string
  >;

  @ApiPropertyOptional({ enum: [',', ';', 'tab'] })
  @IsOptional()
  @Transform(delimiter)
  @IsIn([',', ';', '\t'], { message: 'delimiter must be , ; or tab' })
  delimiter?: string;
}
