import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const GROUP_BYS = ['customer', 'entity', 'businessUnit', 'salesperson', 'segment', 'currency'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const AS_OF_DOC =
  'Closing date (YYYY-MM-DD), default today in Europe/Paris. A past date rebuilds the ledger as it stood: items issued ' +
  'on or before asOf, open amount = amount - allocations dated on or before asOf (closings outside the ledger count from ' +
  'their closed_at). asOf = today reads aggregates kept up to date by triggers; any other date recomputes exactly (slower).';

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2026-03-31', description: AS_OF_DOC })
  @IsOptional()
  @IsString()
  asOf?: string;
}

export class AgeingQuery extends AsOfQuery {
  @ApiPropertyOptional({ enum: ['due', 'issue'], default: 'due', description: 'Age by days past the due date or since issue' })
  @IsOptional()
  @IsIn(['due', 'issue'], { message: 'basis must be due or issue' })
  basis?: 'due' | 'issue';

  @ApiPropertyOptional({ example: '30,60,90,120', description: 'Upper bounds of the dated buckets, in days, increasing' })
  @IsOptional()
  @IsString()
  buckets?: string;

  @ApiPropertyOptional({ enum: GROUP_BYS, description: 'Adds one line per group (paged)' })
  @IsOptional()
  @IsIn(GROUP_BYS, { message: `groupBy must be one of ${GROUP_BYS.join(', ')}` })
  groupBy?: GroupBy;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 50;

  @ApiPropertyOptional({
    description: 'Group order: total, overdue, count or label, - for descending (default -total)',
    example: '-overdue',
  })
  @IsOptional()
  @Matches(/^-?(total|overdue|count|label)$/, {
    message: 'sort must be total, overdue, count or label, optionally prefixed by -',
  })
  sort?: string;
}

export class KpiQuery extends AsOfQuery {
  @ApiPropertyOptional({ enum: GROUP_BYS, description: 'Adds the KPIs of each group (one page, by receivables desc)' })
  @IsOptional()
  @IsIn(GROUP_BYS, { message: `groupBy must be one of ${GROUP_BYS.join(', ')}` })
  groupBy?: GroupBy;

  @ApiPropertyOptional({ minimum: 0, maximum: 60, default: 24, description: 'Month ends in the history' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  historyMonths: number = 24;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 50;
}

export class AgeingBucketDto {
  @ApiProperty({ example: '1-30' }) label: string;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) minDays: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 30 }) maxDays: number | null;
}

export class AgeingTotalsDto {
  @ApiProperty({ type: [String], example: ['1000.00', '250.00'], description: 'Per bucket, in the order of buckets' })
  amounts: string[];
  @ApiProperty({ example: '1250.00' }) total: string;
  @ApiProperty({ example: '250.00', description: 'Open amount of items due strictly before asOf' }) overdue: string;
  @ApiProperty({ example: 12, description: 'Open items' }) count: number;
}

export class AgeingGroupDto extends AgeingTotalsDto {
  @ApiProperty({ type: String, nullable: true, description: 'Id (customer, entity...), segment or currency; null = none' })
  key: string | null;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) label: string;
}

export class AgeingGroupsDto {
  @ApiProperty({ type: [AgeingGroupDto] }) items: AgeingGroupDto[];
  @ApiProperty({ example: 137 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 50 }) pageSize: number;
}

export class MissingRateDto {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: 3, description: 'Items left out for want of a rate' }) count: number;
}

export class AgeingDto {
  @ApiProperty({ example: '2026-03-31' }) asOf: string;
  @ApiProperty({ enum: ['due', 'issue'] }) basis: 'due' | 'issue';
  @ApiProperty({ example: 'EUR', description: "The tenant's default currency: every amount is converted into it" })
  currency: string;
  @ApiProperty({ type: [AgeingBucketDto] }) buckets: AgeingBucketDto[];
  @ApiProperty({ type: AgeingTotalsDto }) totals: AgeingTotalsDto;
  @ApiPropertyOptional({ type: AgeingGroupsDto }) groups?: AgeingGroupsDto;
  @ApiProperty({ type: [MissingRateDto] }) missingRates: MissingRateDto[];
}

const KPI_DOC = {
  receivables: 'Open receivables at asOf (invoices minus credit notes)',
  currentReceivables: 'Not yet due at asOf (due date on or after asOf)',
  overdueAmount: 'Due strictly before asOf',
  sales3m:
    'Sales (invoices issued TTC minus credit notes) of the 3 calendar months ending at asOf: the month of asOf up to asOf and the two months before',
  dsoCountBack:
    'Count-back DSO: receivables exhausted by the sales of the month of asOf (its days 1..asOf), then of each full month before (24 months at most)',
  dsoSimple: 'receivables / sales3m x days of those 3 months',
  bestPossibleDso: 'currentReceivables / sales3m x days of those 3 months',
  add: 'Average days delinquent = dsoSimple - bestPossibleDso',
  cei: 'Collection effectiveness index over the month of asOf: opening = receivables at the previous month end, sales = sales of the month up to asOf',
  turnover:
    'Sales of the 12 calendar months ending at asOf / average receivables at asOf and the 12 previous month ends (13 points)',
};

export class KpiValuesDto {
  @ApiProperty({ example: '1400.00', description: KPI_DOC.receivables }) receivables: string;
  @ApiProperty({ example: '900.00', description: KPI_DOC.currentReceivables }) currentReceivables: string;
  @ApiProperty({ example: '500.00', description: KPI_DOC.overdueAmount }) overdueAmount: string;
  @ApiProperty({ type: Number, nullable: true, example: 35.71, description: 'overdue / receivables x 100' })
  overdueShare: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 64.29, description: 'current / receivables x 100' })
  percentCurrent: number | null;
  @ApiProperty({ example: '0.00', description: 'Open amount of disputed items (current dispute flag)' }) disputedAmount: string;
  @ApiProperty({ example: '1600.00', description: KPI_DOC.sales3m }) sales3m: string;
  @ApiProperty({ type: Number, nullable: true, example: 81.14, description: KPI_DOC.dsoCountBack }) dsoCountBack: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 79.63, description: KPI_DOC.dsoSimple }) dsoSimple: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 51.19, description: KPI_DOC.bestPossibleDso })
  bestPossibleDso: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 28.44, description: KPI_DOC.add }) add: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 85.2, description: KPI_DOC.cei }) cei: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 6.1, description: KPI_DOC.turnover }) turnover: number | null;
}

export class KpiGroupDto {
  @ApiProperty({ type: String, nullable: true }) key: string | null;
  @ApiProperty() label: string;
  @ApiProperty({ type: KpiValuesDto }) kpis: KpiValuesDto;
}

export class KpiHistoryPointDto {
  @ApiProperty({ example: '2026-02' }) month: string;
  @ApiProperty({ example: '2026-02-28', description: 'The month end' }) asOf: string;
  @ApiProperty({ type: Number, nullable: true }) dsoCountBack: number | null;
  @ApiProperty({ type: Number, nullable: true }) dsoSimple: number | null;
  @ApiProperty({ type: Number, nullable: true }) bestPossibleDso: number | null;
  @ApiProperty({ type: Number, nullable: true }) overdueShare: number | null;
  @ApiProperty({ example: '1400.00' }) receivables: string;
  @ApiProperty({ example: '500.00' }) overdueAmount: string;
}

export class KpisDto {
  @ApiProperty({ example: '2026-03-31' }) asOf: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: KpiValuesDto }) kpis: KpiValuesDto;
  @ApiPropertyOptional({ type: [KpiGroupDto], description: 'One page of groups, by receivables desc (see groupCount)' })
  groups?: KpiGroupDto[];
  @ApiPropertyOptional({ example: 137, description: 'Number of groups with open receivables' }) groupCount?: number;
  @ApiProperty({
    type: [KpiHistoryPointDto],
    description: 'Month ends before asOf (or asOf itself when a month end), latest first',
  })
  history: KpiHistoryPointDto[];
  @ApiProperty({ type: [MissingRateDto] }) missingRates: MissingRateDto[];
}

export class CustomerPayerProfileDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '2026-03-31' }) asOf: string;
  @ApiProperty({ type: Number, nullable: true }) avgDaysLate6m: number | null;
  @ApiProperty({ type: Number, nullable: true }) avgDaysLate12m: number | null;
  @ApiProperty({ type: Number, nullable: true }) shareLate12m: number | null;
  @ApiProperty({ type: Number, nullable: true }) shareLateAmount12m: number | null;
  @ApiProperty({ type: String, nullable: true, enum: ['improving', 'stable', 'worsening'] }) trend: string | null;
  @ApiProperty() invoiceCount12m: number;
}

export class AggregateDifferenceDto {
  @ApiProperty({ enum: ['open_balance', 'customer_balance', 'monthly_flow', 'customer_flow'] }) table: string;
  @ApiProperty({ description: 'The aggregate key, as text' }) key: string;
  @ApiProperty({ type: String, nullable: true, description: 'Value held by the aggregate' }) stored: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Value recomputed from receivable_item and allocation' })
  expected: string | null;
}

export class AggregateCheckDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: [AggregateDifferenceDto], description: 'At most 100' }) differences: AggregateDifferenceDto[];
}
