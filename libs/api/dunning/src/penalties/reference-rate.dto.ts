import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { REFERENCE_RATE_KINDS, type ReferenceRateKind } from './reference-rate.entity.js';

export class ReferenceRateDto {
  @ApiProperty({ example: '2025-06-11', description: 'Date from which the rate applies (half-year start for fr_legal_pro)' })
  effectiveDate: string;
  @ApiProperty({ example: '2.15', description: 'Percent' }) rate: string;
}

export class ReferenceRateTableDto {
  @ApiProperty({ enum: REFERENCE_RATE_KINDS, example: 'ecb_mro' }) kind: ReferenceRateKind;
  @ApiProperty({ example: 'ECB main refinancing operations rate, by effective date' }) description: string;
  @ApiProperty({ type: [ReferenceRateDto], description: 'Oldest first' }) rates: ReferenceRateDto[];
}

export class ReferenceRateInputDto {
  @ApiProperty({ example: '2025-06-11' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveDate must be a date as YYYY-MM-DD' })
  effectiveDate: string;

  @ApiProperty({ example: '2.15', description: 'Percent, between -1 and 100, up to 4 decimals' })
  @IsString()
  @Matches(/^-?\d{1,3}(\.\d{1,4})?$/, { message: 'rate must be a percentage such as 2.15 (up to 4 decimals)' })
  rate: string;
}

export class ReplaceReferenceRatesDto {
  @ApiProperty({ enum: REFERENCE_RATE_KINDS, example: 'ecb_mro' }) @IsIn(REFERENCE_RATE_KINDS) kind: ReferenceRateKind;

  @ApiProperty({
    type: [ReferenceRateInputDto],
    minItems: 1,
    example: [
      { effectiveDate: '2025-04-23', rate: '2.40' },
      { effectiveDate: '2025-06-11', rate: '2.15' },
    ],
    description: 'The whole table of this kind (it replaces the current one)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ReferenceRateInputDto)
  rates: ReferenceRateInputDto[];
}

export class ReferenceRateQuery {
  @ApiPropertyOptional({ enum: REFERENCE_RATE_KINDS, example: 'ecb_mro' })
  @IsOptional()
  @IsIn(REFERENCE_RATE_KINDS)
  kind?: ReferenceRateKind;
}
