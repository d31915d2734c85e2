import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '@encours/api-core';
import { SCORE_FACTOR_KEYS, SCORE_GRADES, type ScoreGrade } from '@encours/domain';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const FACTOR_KEYS = [...SCORE_FACTOR_KEYS, 'legalEvent'] as const;

export class ScoreFactorDto {
  @ApiProperty({
    enum: FACTOR_KEYS,
    example: 'daysLate',
    description:
      'daysLate, lateTrend, lateShare, brokenPromises, disputes, overdueRatio, limitUsage, externalScore; `legalEvent` (first) when a collective proceeding forced grade E',
  })
  key: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 52.5,
    description:
      'The measured input: days (daysLate: average days late; lateTrend: last 6 months − months 7-12, positive = later than before), percent (lateShare, disputes, overdueRatio, limitUsage, externalScore as % of the provider scale), count (brokenPromises in 12 months); null when not available',
  })
  value: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 12.5, description: '0 (worst) to 100 (best); null when not available' })
  points: number | null;

  @ApiProperty({ example: 0.3571, description: 'Weight normalised over the factors available (they sum to 1)' })
  weight: number;

  @ApiProperty({ example: 4.46, description: 'Points of the score it brings: weight × points' })
  contribution: number;

  @ApiProperty({
    example: 31.25,
    description:
      'Points it costs against a perfect score: weight × (100 − points); for legalEvent, the points removed by the cap at 20',
  })
  impact: number;

  @ApiProperty({ example: true, description: 'False when the input does not exist (no history, no limit, no rating...)' })
  available: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: null,
    description:
      'What the value was measured from: lateTrend {recentDaysLate, priorDaysLate}; lateShare {settled, late}; limitUsage {exposure, limit, currency}; externalScore {provider, ratedOn, score, scaleMax}; legalEvent {event, date, provider}',
  })
  detail: Record<string, string | number | null> | null;
}

export class CustomerScoreDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ example: 45, minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: SCORE_GRADES, example: 'D' }) grade: ScoreGrade;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['legal_event'],
    example: null,
    description: '`legal_event` when a collective proceeding forced grade E (score capped at 20)',
  })
  forcedBy: string | null;
  @ApiProperty({ example: '2026-12-18T02:00:04.120Z', description: 'When the score was computed' }) computedAt: string;
  @ApiProperty({
    example:
      'Grade D (45/100): main factors: days late 52.5 days on average (−31.3 points); overdue amount 60 % (−12.9 points); invoices paid late 50 % (−10.7 points).',
    description: 'An English sentence (the web app writes its own from the factors)',
  })
  explanation: string;
  @ApiProperty({
    type: [ScoreFactorDto],
    description: 'The forcing legal event first, then the available factors by impact (largest first), then the unavailable ones',
  })
  factors: ScoreFactorDto[];
}

export class ScoreHistoryPointDto {
  @ApiProperty({ example: '2026-12-18' }) day: string;
  @ApiProperty({ example: 45 }) score: number;
  @ApiProperty({ enum: SCORE_GRADES, example: 'D' }) grade: ScoreGrade;
}

export class ScoreHistoryQuery {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (inclusive)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'from must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'from must be a valid calendar date' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last day (inclusive)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'to must be a calendar date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'to must be a valid calendar date' })
  to?: string;
}

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim().toUpperCase())
        .filter(Boolean)
    : value;

export const SCORE_SORTS = ['score', '-score', 'name', '-name'] as const;

export class ScoreListQuery extends PageQuery {
  @ApiPropertyOptional({ type: String, example: 'D,E', description: 'Grades, comma-separated' })
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(SCORE_GRADES, { each: true, message: 'grade must list grades A to E, comma-separated' })
  grade?: ScoreGrade[];

  @ApiPropertyOptional({
    enum: SCORE_SORTS,
    example: 'score',
    description: 'score (lowest first, the default), -score, name, -name; unscored customers last',
  })
  @IsOptional()
  @IsIn(SCORE_SORTS, { message: 'sort must be one of score, -score, name, -name' })
  override sort?: string;
}

export class ScoredCustomerDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'Dupont Matériaux SAS' }) customerName: string;
  @ApiProperty({ example: 'C-00123' }) externalRef: string;
  @ApiProperty({ type: Number, nullable: true, example: 45, description: 'null: not scored yet' }) score: number | null;
  @ApiProperty({ type: String, nullable: true, enum: SCORE_GRADES, example: 'D' }) grade: ScoreGrade | null;
  @ApiProperty({ type: String, nullable: true, enum: ['legal_event'], example: null }) forcedBy: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-18T02:00:04.120Z' }) computedAt: string | null;
  @ApiProperty({
    type: [String],
    example: ['daysLate', 'overdueRatio'],
    description: 'The factors that cost the most points (up to 3; `legalEvent` first when forced)',
  })
  topFactors: string[];
}

export class GradeBucketDto {
  @ApiProperty({ enum: SCORE_GRADES, example: 'A' }) grade: ScoreGrade;
  @ApiProperty({ example: 412 }) customers: number;
  @ApiProperty({
    example: '1254300.00',
    description: 'Open receivables (open invoices less open credit notes) of these customers, in the tenant currency',
  })
  openReceivables: string;
}

export class UnscoredBucketDto {
  @ApiProperty({ example: 3 }) customers: number;
  @ApiProperty({ example: '0.00' }) openReceivables: string;
}

export class GradeDistributionDto {
  @ApiProperty({ example: 'EUR', description: 'The tenant currency' }) currency: string;
  @ApiProperty({ example: '2026-12-18', description: 'Day of the exchange rates used' }) asOf: string;
  @ApiProperty({ type: [GradeBucketDto], description: 'Every grade A to E, in order' }) grades: GradeBucketDto[];
  @ApiProperty({ type: UnscoredBucketDto }) unscored: UnscoredBucketDto;
  @ApiProperty({
    type: [String],
    example: [],
    description: 'Currencies of open items without an exchange rate to the tenant currency (left out of the amounts)',
  })
  missingRates: string[];
}

export class RecomputeResultDto {
  @ApiProperty({ example: '2026-12-18' }) day: string;
  @ApiProperty({ example: 1250 }) customers: number;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(SCORE_GRADES.map((g) => [g, { type: 'integer' }])),
    example: { A: 610, B: 380, C: 170, D: 64, E: 26 },
  })
  grades: Record<ScoreGrade, number>;
  @ApiProperty({ example: 12, description: 'Customers whose grade changed' }) gradeChanges: number;
  @ApiProperty({ example: 3, description: 'Alerts raised for grades that fell to D or E' }) alerts: number;
  @ApiProperty({ example: 840, description: 'Duration in milliseconds' }) ms: number;
}
