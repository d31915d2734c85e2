import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, Problem, TenantDb, ValidationFailed, type FieldError } from '@encours/api-core';
import { amountProblem, SCORE_FACTOR_KEYS } from '@encours/domain';
import { ScoreService } from '../score/score.service.js';
import { ScoringSettingsDto, UpdateScoringSettingsDto } from './scoring-settings.dto.js';
import { ScoringSettings, type CreditCheckRules, type ScoreWeights } from './scoring-settings.entity.js';
import { ScoringSettingsService, type EffectiveScoringSettings } from './scoring-settings.service.js';

const MIN_LEVEL = 1;
const MAX_LEVEL = 300;

function toDto(s: EffectiveScoringSettings): ScoringSettingsDto {
  return {
    weights: { ...s.weights },
    alertLevels: s.alertLevels,
    approvalThreshold: s.approvalThreshold,
    reviewReminderDays: s.reviewReminderDays,
    creditCheckRules: { ...s.creditCheckRules },
    defaults: s.defaults,
  };
}

/** Only the keys given (class-transformer leaves the others undefined). */
function given<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

@ApiTags('scoring')
@Controller('v1/scoring/settings')
export class ScoringSettingsController {
  constructor(
    private readonly db: TenantDb,
    private readonly settings: ScoringSettingsService,
    private readonly scores: ScoreService,
  ) {}

  @Get()
  @Access({ roles: ['admin', 'credit_manager', 'collector', 'viewer', 'sales'], scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Scoring settings: factor weights, limit alert levels, approval threshold, credit-check rules',
    description: 'The defaults until someone saves them (`defaults: true`).',
  })
  @ApiOkResponse({ type: ScoringSettingsDto })
  async get(): Promise<ScoringSettingsDto> {
    return toDto(await this.settings.effective(this.db.dataSource.manager, this.db.tenantId));
  }

  @Put()
  @Access({ roles: ['admin', 'credit_manager'] })
  @ApiOperation({
    summary: 'Change the scoring settings',
    description:
      'Fields left out keep their value, and so do the weights and rules left out of `weights` and `creditCheckRules`. Weights: numbers from 0 to 1000, at least one above 0 (only their ratios matter). `alertLevels`: the whole list, whole percents 1 to 300, each once. Rule outcomes: off, review or block. `approvalThreshold` and `creditCheckRules.overdueAmount`: decimal amounts, or null. A change of the weights recomputes every score of the tenant in the same transaction.',
  })
  @ApiOkResponse({ type: ScoringSettingsDto })
  @ApiBadRequestResponse({
    type: Problem,
    description:
      'A field is not valid; `errors[].field` names it (`weights.daysLate`, `alertLevels[1]`, `creditCheckRules.gradeE`)',
  })
  update(@Body() dto: UpdateScoringSettingsDto): Promise<ScoringSettingsDto> {
    return this.db.transaction(async (tx) => {
      // Two changes of one tenant's settings never interleave (each starts from the other's result).
      await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('scoring.settings'), hashtext($1))`, [tx.tenantId]);
      const current = await this.settings.effective(tx.manager, tx.tenantId);
      const errors: FieldError[] = [];

      const weights: ScoreWeights = { ...current.weights, ...given(dto.weights) };
      if (!SCORE_FACTOR_KEYS.some((k) => weights[k] > 0))
        errors.push({ field: 'weights', message: 'at least one weight must be greater than 0', code: 'allZero' });

      let alertLevels = current.alertLevels;
      if (dto.alertLevels !== undefined) {
        const seen = new Set<number>();
        dto.alertLevels.forEach((level, i) => {
          const field = `alertLevels[${i}]`;
          if (typeof level !== 'number' || !Number.isInteger(level) || level < MIN_LEVEL || level > MAX_LEVEL)
            errors.push({ field, message: `${field} must be a whole percent from ${MIN_LEVEL} to ${MAX_LEVEL}`, code: 'level' });
          else if (seen.has(level)) errors.push({ field, message: `${field}: ${level} % is listed twice`, code: 'duplicate' });
          else seen.add(level);
        });
        alertLevels = [...seen].sort((a, b) => a - b);
      }

      let approvalThreshold = current.approvalThreshold;
      if (dto.approvalThreshold !== undefined) {
        approvalThreshold = dto.approvalThreshold;
        if (approvalThreshold !== null) {
          const [tenant]: Array<{ currency: string }> = await tx.manager.query(
            `SELECT default_currency::text AS currency FROM tenant WHERE id = $1`,
            [tx.tenantId],
          );
          const problem =
            amountProblem(approvalThreshold, tenant.currency.trim()) ??
            (approvalThreshold.trim().startsWith('-') ? 'must not be negative' : null);
          if (problem) errors.push({ field: 'approvalThreshold', message: `approvalThreshold ${problem}`, code: 'amount' });
          else approvalThreshold = approvalThreshold.trim();
        }
      }

      const creditCheckRules: CreditCheckRules = { ...current.creditCheckRules, ...given(dto.creditCheckRules) };
      if (errors.length) throw new ValidationFailed(errors);

      const repo = tx.repo(ScoringSettings);
      const row = (await repo.findOneBy({})) ?? repo.create({});
      Object.assign(row, {
        weights,
        alertLevels,
        approvalThreshold,
        reviewReminderDays: dto.reviewReminderDays ?? current.reviewReminderDays,
        creditCheckRules,
      });
      await repo.save(row);
      if (SCORE_FACTOR_KEYS.some((k) => weights[k] !== current.weights[k]))
        await this.scores.refresh(tx.manager, tx.tenantId, null);
      return toDto(await this.settings.effective(tx.manager, tx.tenantId));
    });
  }
}
