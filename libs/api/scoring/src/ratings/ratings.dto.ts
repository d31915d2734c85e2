import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { BulkRowErrorDto } from '../limits/bulk-input.js';
import { LEGAL_EVENTS, RATING_SOURCES, type LegalEvent, type RatingSource } from './external-rating.entity.js';

export const bool = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/**
 * One external rating typed in (or pushed by a provider feed). Every field is checked by the
 * same rules as an imported row; the customer is named by customerId, customerRef or siren.
 */
export class CreateExternalRatingDto {
  @ApiPropertyOptional({ format: 'uuid', example: '3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11' })
  @IsOptional()
  @IsString()
  customerId?: string;

  @ApiPropertyOptional({ example: 'C00042', description: "The customer's ERP reference (instead of customerId)" })
  @IsOptional()
  @IsString()
  customerRef?: string;

  @ApiPropertyOptional({ example: '552100554', description: 'The SIREN, when a single customer has it' })
  @IsOptional()
  @IsString()
  siren?: string;

  @ApiProperty({
    example: 'altares',
    description: 'Provider name (stored lower case): altares, ellisphere, creditsafe, coface...',
  })
  @IsString()
  provider: string;

  @ApiProperty({ example: '2026-03-01', description: 'Day of the rating (not in the future)' })
  @IsString()
  ratedOn: string;

  @ApiPropertyOptional({
    type: String,
    example: '14',
    description: "Score on the provider's scale (0..scaleMax, 2 decimals); a JSON number is accepted too",
  })
  @IsOptional()
  score?: string | number;

  @ApiPropertyOptional({ type: String, example: '20', description: 'Top of the scale (required with score)' })
  @IsOptional()
  scaleMax?: string | number;

  @ApiPropertyOptional({ type: String, example: '50000.00', description: 'Limit the provider recommends (with currency)' })
  @IsOptional()
  recommendedLimit?: string | number;

  @ApiPropertyOptional({ example: 'EUR' })
  @IsOptional()
  @IsString()
  currency?: string;

  @ApiPropertyOptional({ enum: LEGAL_EVENTS, description: 'A collective proceeding: forces grade E and raises an alert' })
  @IsOptional()
  @IsString()
  legalEvent?: string;

  @ApiPropertyOptional({ example: '2026-02-20', description: 'Judgment date of the proceeding' })
  @IsOptional()
  @IsString()
  legalEventDate?: string;

  @ApiPropertyOptional({ example: 'Cote relevée après dépôt des comptes 2025' })
  @IsOptional()
  @IsString()
  comment?: string;
}

export class ExternalRatingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'C00042' }) customerRef: string;
  @ApiProperty({ example: 'Industrie Alpes SAS' }) customerName: string;
  @ApiProperty({ example: 'altares' }) provider: string;
  @ApiProperty({ example: '2026-03-01' }) ratedOn: string;
  @ApiProperty({ example: '14', nullable: true, type: String }) score: string | null;
  @ApiProperty({ example: '20', nullable: true, type: String }) scaleMax: string | null;
  @ApiProperty({
    example: 70,
    nullable: true,
    type: Number,
    description: 'The score read on 0-100 (score / scaleMax x 100, 2 decimals); higher is safer',
  })
  normalisedScore: number | null;
  @ApiProperty({ example: '50000.00', nullable: true, type: String }) recommendedLimit: string | null;
  @ApiProperty({ example: 'EUR', nullable: true, type: String }) currency: string | null;
  @ApiProperty({ enum: LEGAL_EVENTS, nullable: true, example: null }) legalEvent: LegalEvent | null;
  @ApiProperty({ example: null, nullable: true, type: String }) legalEventDate: string | null;
  @ApiProperty({ enum: RATING_SOURCES, example: 'file', description: 'manual, api (a key), file (import) or provider (refresh)' })
  source: RatingSource;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'User who entered or imported it' })
  createdById: string | null;
  @ApiProperty({ example: '2026-03-02T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-02T08:00:00.000Z' }) updatedAt: string;
}

export class RatingImportQuery {
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

  @ApiPropertyOptional({ description: 'XLSX upload: the worksheet to read (default: the first one)', example: 'Notes' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  sheet?: string;
}

export class RatingRefreshQuery {
  @ApiProperty({ example: 'altares', description: 'A registered provider connector' })
  @IsString()
  @Length(1, 60)
  provider: string;
}

export class RatingImportCountsDto {
  @ApiProperty({ example: 120 }) received: number;
  @ApiProperty({ example: 20 }) created: number;
  @ApiProperty({ example: 3 }) updated: number;
  @ApiProperty({ example: 95 }) unchanged: number;
  @ApiProperty({ example: 2 }) failed: number;
}

export class RatingImportResultDto {
  @ApiProperty() dryRun: boolean;
  @ApiProperty({ type: RatingImportCountsDto }) counts: RatingImportCountsDto;
  @ApiProperty({ example: 1, description: 'Collective proceedings not known before (each raised an alert)' })
  newLegalEvents: number;
  @ApiProperty({ type: [BulkRowErrorDto], description: 'Rows left out (partial=true or dryRun=true); at most 1000' })
  errors: BulkRowErrorDto[];
}

export class RatingRefreshResultDto extends RatingImportResultDto {
  @ApiProperty({ example: 'altares' }) provider: string;
  @ApiProperty({ example: 1200, description: 'Customers sent to the provider' }) customers: number;
}

export class ExternalRatingQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'true: only ratings with a legal event; false: only those without' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  legalEvent?: boolean;

  @ApiPropertyOptional({ example: 'altares' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  provider?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: RATING_SOURCES })
  @IsOptional()
  @IsIn(RATING_SOURCES)
  source?: RatingSource;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Rated on or after' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a calendar date YYYY-MM-DD' })
  from?: string;
}
