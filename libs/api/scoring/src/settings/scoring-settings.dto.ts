import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { CreditCheckRules, RuleOutcome, ScoreWeights } from './scoring-settings.entity.js';

export const RULE_OUTCOMES = ['off', 'review', 'block'] as const;
/** A non-negative decimal written with a dot: "1500", "1500.5", "1500.000". */
const AMOUNT_RE = /^\d{1,17}(\.\d{1,3})?$/;
const MAX_WEIGHT = 1000;
const defined = (key: string) => (o: Record<string, unknown>) => o[key] !== undefined;

function Weight(example: number, description: string) {
  return function (target: object, key: string) {
    ApiProperty({ example, minimum: 0, maximum: MAX_WEIGHT, description })(target, key);
  };
}
function OptionalWeight(example: number, description: string) {
  return function (target: object, key: string) {
    ApiPropertyOptional({ example, minimum: 0, maximum: MAX_WEIGHT, description })(target, key);
    ValidateIf(defined(key))(target, key);
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: `weights.${key} must be a number` })(target, key);
    Min(0, { message: `weights.${key} must not be negative` })(target, key);
    Max(MAX_WEIGHT, { message: `weights.${key} must be at most ${MAX_WEIGHT}` })(target, key);
  };
}

export class ScoreWeightsDto implements ScoreWeights {
  @Weight(25, 'Average days late (settled in 6 months and overdue open invoices)') daysLate: number;
  @Weight(10, 'Days-late trend: last 6 months vs months 7-12') lateTrend: number;
  @Weight(15, 'Share of the invoices paid late in 12 months') lateShare: number;
  @Weight(10, 'Broken promises to pay in 12 months') brokenPromises: number;
  @Weight(5, 'Disputed share of the open amount') disputes: number;
  @Weight(15, 'Overdue share of the open amount') overdueRatio: number;
  @Weight(10, 'Exposure against the credit limit') limitUsage: number;
  @Weight(20, 'External rating (latest within 18 months)') externalScore: number;
}

export class ScoreWeightsUpdateDto implements Partial<ScoreWeights> {
  @OptionalWeight(25, 'Average days late') daysLate?: number;
  @OptionalWeight(10, 'Days-late trend') lateTrend?: number;
  @OptionalWeight(15, 'Share paid late') lateShare?: number;
  @OptionalWeight(10, 'Broken promises') brokenPromises?: number;
  @OptionalWeight(5, 'Disputed share') disputes?: number;
  @OptionalWeight(15, 'Overdue share') overdueRatio?: number;
  @OptionalWeight(10, 'Limit usage') limitUsage?: number;
  @OptionalWeight(20, 'External rating') externalScore?: number;
}

function Outcome(example: RuleOutcome, description: string, optional: boolean) {
  return function (target: object, key: string) {
    if (optional) {
      ApiPropertyOptional({ enum: RULE_OUTCOMES, example, description })(target, key);
      ValidateIf(defined(key))(target, key);
      IsIn(RULE_OUTCOMES, { message: `creditCheckRules.${key} must be one of off, review, block` })(target, key);
    } else ApiProperty({ enum: RULE_OUTCOMES, example, description })(target, key);
  };
}

export class CreditCheckRulesDto implements CreditCheckRules {
  @Outcome('block', 'The order would take the exposure above the limit', false) overLimit: RuleOutcome;
  @Outcome('review', 'The customer has no valid credit limit', false) noLimit: RuleOutcome;
  @ApiProperty({ example: 60, minimum: 0, description: 'Days past due of the oldest overdue invoice that fire the rule' })
  overdueDays: number;
  @Outcome('review', 'What an invoice overdue by more than overdueDays does', false) overdueDaysOutcome: RuleOutcome;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Overdue amount (limit currency) above which the rule fires; null: rule off',
  })
  overdueAmount: string | null;
  @Outcome('review', 'What an overdue amount above overdueAmount does', false) overdueAmountOutcome: RuleOutcome;
  @Outcome('block', 'The account is blocked by dunning', false) accountBlocked: RuleOutcome;
  @Outcome('block', 'Grade E', false) gradeE: RuleOutcome;
  @Outcome('review', 'Grade D', false) gradeD: RuleOutcome;
  @Outcome('block', 'A collective proceeding is known', false) legalEvent: RuleOutcome;
}

export class CreditCheckRulesUpdateDto implements Partial<CreditCheckRules> {
  @Outcome('block', 'Exposure above the limit', true) overLimit?: RuleOutcome;
  @Outcome('review', 'No valid limit', true) noLimit?: RuleOutcome;

  @ApiPropertyOptional({ example: 60, minimum: 0, maximum: 3650 })
  @ValidateIf(defined('overdueDays'))
  @IsInt({ message: 'creditCheckRules.overdueDays must be a whole number of days' })
  @Min(0, { message: 'creditCheckRules.overdueDays must not be negative' })
  @Max(3650, { message: 'creditCheckRules.overdueDays must be at most 3650' })
  overdueDays?: number;

  @Outcome('review', 'Invoice overdue by more than overdueDays', true) overdueDaysOutcome?: RuleOutcome;

  @ApiPropertyOptional({ type: String, nullable: true, example: '10000.00', description: 'null turns the rule off' })
  @IsOptional()
  @IsString({ message: 'creditCheckRules.overdueAmount must be a decimal amount such as 10000.00, or null' })
  @Matches(AMOUNT_RE, { message: 'creditCheckRules.overdueAmount must be a decimal amount such as 10000.00, or null' })
  overdueAmount?: string | null;

  @Outcome('review', 'Overdue amount above overdueAmount', true) overdueAmountOutcome?: RuleOutcome;
  @Outcome('block', 'Account blocked by dunning', true) accountBlocked?: RuleOutcome;
  @Outcome('block', 'Grade E', true) gradeE?: RuleOutcome;
  @Outcome('review', 'Grade D', true) gradeD?: RuleOutcome;
  @Outcome('block', 'Collective proceeding', true) legalEvent?: RuleOutcome;
}

export class ScoringSettingsDto {
  @ApiProperty({ type: ScoreWeightsDto, description: 'Weight of each score factor (normalised over the factors present)' })
  weights: ScoreWeightsDto;

  @ApiProperty({
    type: [Number],
    example: [50, 80, 100],
    description: 'Limit usage levels (percent, ascending) that raise an alert when the exposure crosses them upwards',
  })
  alertLevels: number[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: '50000.00',
    description:
      'A limit increase larger than this (tenant currency) waits for a credit manager; null: every increase asked by someone else does',
  })
  approvalThreshold: string | null;

  @ApiProperty({ example: 30, description: 'Days before a limit review date (or end of validity) that raise a reminder' })
  reviewReminderDays: number;

  @ApiProperty({ type: CreditCheckRulesDto }) creditCheckRules: CreditCheckRulesDto;

  @ApiProperty({ example: true, description: 'True while nothing was saved (every value is the default)' }) defaults: boolean;
}

export class UpdateScoringSettingsDto {
  @ApiPropertyOptional({
    type: ScoreWeightsUpdateDto,
    description: 'Weights to change (others keep theirs): numbers from 0 to 1000, at least one above 0',
  })
  @IsOptional()
  @IsObject({ message: 'weights must be an object of factor weights' })
  @ValidateNested()
  @Type(() => ScoreWeightsUpdateDto)
  weights?: ScoreWeightsUpdateDto;

  @ApiPropertyOptional({
    type: [Number],
    example: [50, 80, 100],
    description: 'The whole list: whole percents from 1 to 300, each once (up to 10)',
  })
  @IsOptional()
  @IsArray({ message: 'alertLevels must be a list of percents' })
  @ArrayMaxSize(10, { message: 'alertLevels must have at most 10 levels' })
  alertLevels?: unknown[];

  @ApiPropertyOptional({ type: String, nullable: true, example: '50000.00', description: 'Tenant currency; null removes it' })
  @IsOptional()
  @IsString({ message: 'approvalThreshold must be a decimal amount such as 50000.00, or null' })
  approvalThreshold?: string | null;

  @ApiPropertyOptional({ example: 30, minimum: 0, maximum: 365 })
  @ValidateIf(defined('reviewReminderDays'))
  @IsInt({ message: 'reviewReminderDays must be a whole number of days' })
  @Min(0, { message: 'reviewReminderDays must not be negative' })
  @Max(365, { message: 'reviewReminderDays must be at most 365' })
  reviewReminderDays?: number;

  @ApiPropertyOptional({ type: CreditCheckRulesUpdateDto, description: 'Rules to change (others keep theirs)' })
  @IsOptional()
  @IsObject({ message: 'creditCheckRules must be an object of rules' })
  @ValidateNested()
  @Type(() => CreditCheckRulesUpdateDto)
  creditCheckRules?: CreditCheckRulesUpdateDto;
}
