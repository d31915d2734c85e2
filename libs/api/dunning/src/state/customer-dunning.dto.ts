import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PENALTY_REGIMES, type PenaltyRegime } from './customer-dunning.entity.js';

const Present = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

export class ResolvedScenarioDto {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) id: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Standard' }) name: string | null;
  @ApiProperty({ enum: ['explicit', 'rule', 'default'], example: 'default', description: 'Why the customer follows it' })
  source: 'explicit' | 'rule' | 'default';
}

export class CustomerDunningDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'Explicit scenario (overrides the assignment rules)',
  })
  scenarioId: string | null;
  @ApiProperty({ type: ResolvedScenarioDto, description: 'The scenario the customer follows now' })
  resolvedScenario: ResolvedScenarioDto;
  @ApiProperty({ nullable: true, type: String, example: '2026-12-15', description: 'Dunning paused until this day (inclusive)' })
  holdUntil: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Litige commercial en cours de règlement' }) holdReason: string | null;
  @ApiProperty({ example: false, description: 'Excluded from dunning altogether' }) excluded: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) collectorId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Julien Petit' }) collectorName: string | null;
  @ApiProperty({ enum: PENALTY_REGIMES, nullable: true, example: null, description: 'null: deduced from the country' })
  penaltyRegime: PenaltyRegime | null;
  @ApiProperty({ enum: PENALTY_REGIMES, example: 'fr', description: 'The regime that applies (setting, else country)' })
  effectivePenaltyRegime: PenaltyRegime;
  @ApiProperty({ nullable: true, type: String, example: '12.5', description: 'Contractual penalty rate, percent' })
  contractualPenaltyRate: string | null;
  @ApiProperty({ example: 2, description: 'Position of the last step done in the current cycle (0: none)' }) level: number;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-20' }) levelReachedOn: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The scenario the level refers to' })
  levelScenarioId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Relance 1 – courtoise', description: 'Name of the step reached' })
  levelStepName: string | null;
  @ApiProperty({ example: false, description: 'Handed to legal collection: the run leaves it alone' }) inLegalCollection: boolean;
  @ApiProperty({
    enum: ['active', 'hold', 'excluded', 'legal_collection'],
    example: 'active',
    description: 'Whether the run acts on this customer (promises, plans and disputes pause it too; see the worklist)',
  })
  state: 'active' | 'hold' | 'excluded' | 'legal_collection';
}

/** A change of a customer's dunning settings: fields left out keep their value, null clears. */
export class UpdateCustomerDunningDto {
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'Explicit scenario; null: assignment rules' })
  @IsOptional()
  @IsUUID('all', { message: 'scenarioId must be the id of a scenario' })
  scenarioId?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '2026-12-15',
    description: 'Pause dunning until this day (inclusive); null lifts the hold',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'holdUntil must be a date as YYYY-MM-DD' })
  holdUntil?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Accord de paiement en cours de signature' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  holdReason?: string | null;

  @ApiPropertyOptional({ example: false }) @Present() @IsBoolean() excluded?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'A user with role collector, credit_manager or admin',
  })
  @IsOptional()
  @IsUUID('all', { message: 'collectorId must be the id of a user' })
  collectorId?: string | null;

  @ApiPropertyOptional({ enum: PENALTY_REGIMES, nullable: true, description: 'null: deduced from the country' })
  @IsOptional()
  @IsIn(PENALTY_REGIMES)
  penaltyRegime?: PenaltyRegime | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '12.5',
    description: 'Percent (0 to 100, up to 4 decimals); null: statutory rate',
  })
  @IsOptional()
  @Matches(/^\d{1,3}(\.\d{1,4})?$/, { message: 'contractualPenaltyRate must be a percentage such as 12.5 (up to 4 decimals)' })
  contractualPenaltyRate?: string | null;
}
