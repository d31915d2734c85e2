import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { RISK_GRADES } from './scenario-rules.js';
import { STEP_ACTIONS, STEP_ACTORS, type StepAction, type StepActor } from './scenario.entities.js';

const Present = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);
const upperEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v)) : value;

export class ScenarioMatchDto {
  @ApiPropertyOptional({ type: [String], example: ['BTP'], description: 'Customer segments (any when empty)' })
  @Present()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  segments?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: [],
    description: 'Business units of the tenant (any when empty)',
  })
  @Present()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'businessUnitIds must contain business unit ids' })
  businessUnitIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    enum: RISK_GRADES,
    example: [],
    description:
      "Risk grades A (best) to E: the customer's current grade (scoring) is in the list; a customer not scored yet does not match (any when empty)",
  })
  @Present()
  @Transform(upperEach)
  @IsArray()
  @IsIn(RISK_GRADES, { each: true, message: 'riskGrades must contain grades A to E' })
  riskGrades?: string[];

  @ApiPropertyOptional({ type: [String], example: ['FR', 'BE'], description: 'ISO 3166-1 alpha-2 countries (any when empty)' })
  @Present()
  @Transform(upperEach)
  @IsArray()
  @ArrayMaxSize(250)
  @IsISO31661Alpha2({ each: true, message: 'countries must contain ISO 3166-1 alpha-2 country codes such as FR' })
  countries?: string[];
}

export class StepInputDto {
  @ApiPropertyOptional({ example: 1, description: 'Order of the step (1, 2, 3...); the order of the list when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  position?: number;

  @ApiProperty({ example: 'Relance 1 – courtoise' }) @IsString() @Length(1, 120) name: string;

  @ApiProperty({ example: 5, description: 'Days from the due date (negative: before it); strictly increasing from step to step' })
  @IsInt()
  @Min(-365)
  @Max(3650)
  offsetDays: number;

  @ApiProperty({ enum: STEP_ACTIONS, example: 'email' })
  @IsIn(STEP_ACTIONS, { message: `action must be one of: ${STEP_ACTIONS.join(', ')}` })
  action: StepAction;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'reminder_1_email',
    description: 'Template code (required for email, sms, letter and formal_notice; optional call script for a call)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  templateCode?: string | null;

  @ApiPropertyOptional({
    example: '0',
    description: "Run the step only when the customer's overdue amount reaches this (tenant currency)",
  })
  @IsOptional()
  @Matches(/^\d{1,17}(\.\d{1,3})?$/, { message: 'minOverdueAmount must be a decimal amount of 0 or more, such as 150.00' })
  minOverdueAmount?: string;

  @ApiPropertyOptional({ enum: STEP_ACTORS, example: 'collector', default: 'collector' })
  @IsOptional()
  @IsIn(STEP_ACTORS)
  actor?: StepActor;

  @ApiPropertyOptional({ example: true, default: true, description: 'false: a person validates the step before it is executed' })
  @IsOptional()
  @IsBoolean()
  automatic?: boolean;
}

export class ScenarioInputDto {
  @ApiProperty({ example: 'Grands comptes' }) @IsString() @Length(1, 120) name: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Relances plus espacées, appel avant toute lettre' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'Make it the default scenario (the previous default stops being one)',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
  @ApiPropertyOptional({ example: true, default: true }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({ example: 10, default: 100, description: 'Assignment rules are tried by increasing priority' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  priority?: number;
  @ApiPropertyOptional({ type: ScenarioMatchDto, description: 'Which customers the scenario applies to' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScenarioMatchDto)
  match?: ScenarioMatchDto;
  @ApiProperty({
    type: [StepInputDto],
    minItems: 1,
    example: [
      { name: 'Relance 1', offsetDays: 5, action: 'email', templateCode: 'reminder_1_email' },
      { name: 'Relance 2', offsetDays: 15, action: 'email', templateCode: 'reminder_2_email' },
    ],
  })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => StepInputDto)
  steps: StepInputDto[];
}

export class StepDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 2 }) position: number;
  @ApiProperty({ example: 'Relance 1 – courtoise' }) name: string;
  @ApiProperty({ example: 5 }) offsetDays: number;
  @ApiProperty({ enum: STEP_ACTIONS, example: 'email' }) action: StepAction;
  @ApiProperty({ nullable: true, type: String, example: 'reminder_1_email' }) templateCode: string | null;
  @ApiProperty({ example: '0' }) minOverdueAmount: string;
  @ApiProperty({ enum: STEP_ACTORS, example: 'collector' }) actor: StepActor;
  @ApiProperty({ example: true }) automatic: boolean;
}

export class ScenarioMatchOutDto {
  @ApiPropertyOptional({ type: [String], example: ['BTP'] }) segments?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) businessUnitIds?: string[];
  @ApiPropertyOptional({ type: [String], example: ['D', 'E'] }) riskGrades?: string[];
  @ApiPropertyOptional({ type: [String], example: ['FR'] }) countries?: string[];
}

export class ScenarioDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Standard' }) name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ example: true }) isDefault: boolean;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: 100 }) priority: number;
  @ApiProperty({ type: ScenarioMatchOutDto }) match: ScenarioMatchOutDto;
  @ApiProperty({ type: [StepDto] }) steps: StepDto[];
  @ApiProperty({ example: 3, description: 'Customers assigned to it explicitly' }) assignedCustomers: number;
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-01T10:00:00.000Z' }) updatedAt: string;
}

export class DeleteScenarioQuery {
  @ApiPropertyOptional({
    enum: ['default'],
    description:
      'Customers assigned explicitly to this scenario lose that assignment and follow the assignment rules, else the default scenario. Without it, deleting a scenario with such customers is refused (409).',
  })
  @IsOptional()
  @IsIn(['default'])
  reassign?: 'default';
}
