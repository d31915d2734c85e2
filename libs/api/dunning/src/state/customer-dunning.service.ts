import { Injectable } from '@nestjs/common';
import { RequestContext, TenantDb, ValidationFailed, type FieldError } from '@encours/api-core';
import { isCalendarDate } from '@encours/domain';
import { assertInPortfolio, Customer, TimelineService, type TimelineEntry } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { TenantToday } from '@encours/api-core';
import { penaltyRegimeFor } from '../penalties/penalty-regime.js';
import { trimZeros } from '../penalties/penalty.service.js';
import { ScenarioResolver } from '../scenarios/scenario-resolver.service.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { CustomerDunning } from './customer-dunning.entity.js';
import type { CustomerDunningDto, UpdateCustomerDunningDto } from './customer-dunning.dto.js';

const COLLECTOR_ROLES = ['collector', 'credit_manager', 'admin'];

/**
 * A customer's dunning settings (explicit scenario, hold, exclusion, collector, penalty regime
 * and contractual rate) with its current level and resolved scenario. Putting a customer on hold
 * or excluding it is logged on its timeline in the same transaction.
 */
@Injectable()
export class CustomerDunningService {
  constructor(
    private readonly db: TenantDb,
    private readonly setup: DunningSetupService,
    private readonly resolver: ScenarioResolver,
    private readonly timeline: TimelineService,
    private readonly clock: TenantToday,
  ) {}

  async get(customerId: string): Promise<CustomerDunningDto> {
    const customer = await this.db.repo(Customer).get(customerId);
    assertInPortfolio(customer);
    await this.setup.ensureSeeded(this.db.dataSource.manager, this.db.tenantId);
    return this.read(this.db.dataSource.manager, customer);
  }

  async update(customerId: string, dto: UpdateCustomerDunningDto): Promise<CustomerDunningDto> {
    const tenantId = this.db.tenantId;
    await this.setup.ensureSeeded(this.db.dataSource.manager, tenantId);
    return this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(customerId);
      assertInPortfolio(customer);
      await this.validate(tx.manager, tenantId, dto);
      await tx.manager.query(
        `INSERT INTO customer_dunning (tenant_id, customer_id) VALUES ($1, $2) ON CONFLICT (tenant_id, customer_id) DO NOTHING`,
        [tenantId, customer.id],
      );
      const repo = tx.repo(CustomerDunning);
      const row = await repo
        .qb('cd')
        .andWhere('cd.customer_id = :customerId', { customerId: customer.id })
        .setLock('pessimistic_write')
        .getOneOrFail();
      const before = { holdUntil: row.holdUntil, holdReason: row.holdReason, excluded: row.excluded };
      if (dto.scenarioId !== undefined) row.scenarioId = dto.scenarioId?.toLowerCase() ?? null;
      if (dto.holdUntil !== undefined) row.holdUntil = dto.holdUntil;
      if (dto.holdReason !== undefined) row.holdReason = dto.holdReason?.trim() || null;
      if (dto.holdUntil === null && dto.holdReason === undefined) row.holdReason = null;
      if (dto.excluded !== undefined) row.excluded = dto.excluded;
      if (dto.collectorId !== undefined) row.collectorId = dto.collectorId?.toLowerCase() ?? null;
      if (dto.penaltyRegime !== undefined) row.penaltyRegime = dto.penaltyRegime;
      if (dto.contractualPenaltyRate !== undefined) row.contractualPenaltyRate = dto.contractualPenaltyRate;
      await repo.save(row);

      const p = RequestContext.principal();
      const authorId = p?.kind === 'user' ? p.userId : null;
      const entries: TimelineEntry[] = [];
      if (before.holdUntil !== row.holdUntil || (row.holdUntil && before.holdReason !== row.holdReason)) {
        entries.push({
          customerId: customer.id,
          type: 'dunning.hold',
          title: row.holdUntil ? `Dunning on hold until ${row.holdUntil}` : 'Dunning hold lifted',
          body: row.holdUntil ? row.holdReason : null,
          source: 'dunning',
          authorId,
          data: { holdUntil: row.holdUntil, holdReason: row.holdReason, previousHoldUntil: before.holdUntil },
        });
      }
      if (before.excluded !== row.excluded) {
        entries.push({
          customerId: customer.id,
          type: 'dunning.excluded',
          title: row.excluded ? 'Excluded from dunning' : 'Included in dunning again',
          source: 'dunning',
          authorId,
          data: { excluded: row.excluded },
        });
      }
      if (entries.length) await this.timeline.recordMany(tx.manager, tenantId, entries);
      return this.read(tx.manager, customer);
    });
  }

  private async validate(m: EntityManager, tenantId: string, dto: UpdateCustomerDunningDto): Promise<void> {
    const errors: FieldError[] = [];
    if (dto.scenarioId) {
      const [s] = await m.query(`SELECT id FROM dunning_scenario WHERE tenant_id = $1 AND id = $2`, [tenantId, dto.scenarioId]);
      if (!s) errors.push({ field: 'scenarioId', message: `Scenario ${dto.scenarioId} does not exist` });
    }
    if (dto.holdUntil) {
      if (!isCalendarDate(dto.holdUntil))
        errors.push({ field: 'holdUntil', message: `${dto.holdUntil} is not a real calendar date` });
      else if (dto.holdUntil < (await this.clock.forTenant(m, tenantId)))
        errors.push({ field: 'holdUntil', message: 'holdUntil must be today or later (null lifts the hold)' });
    }
    if (dto.collectorId) {
      const [u]: Array<{ role: string; active: boolean }> = await m.query(
        `SELECT role, active FROM app_user WHERE tenant_id = $1 AND id = $2`,
        [tenantId, dto.collectorId],
      );
      if (!u) errors.push({ field: 'collectorId', message: `User ${dto.collectorId} does not exist` });
      else if (!COLLECTOR_ROLES.includes(u.role) || !u.active)
        errors.push({
          field: 'collectorId',
          message: 'The collector must be an active user with role collector, credit_manager or admin',
        });
    }
    if (dto.contractualPenaltyRate && Number(dto.contractualPenaltyRate) > 100)
      errors.push({ field: 'contractualPenaltyRate', message: 'contractualPenaltyRate must be between 0 and 100 (percent)' });
    if (errors.length) throw new ValidationFailed(errors);
  }

  private async read(m: EntityManager, customer: Customer): Promise<CustomerDunningDto> {
    const tenantId = customer.tenantId;
    const [row]: Array<{
      scenario_id: string | null;
      hold_until: string | null;
      hold_reason: string | null;
      excluded: boolean;
      collector_id: string | null;
      collector_name: string | null;
      penalty_regime: CustomerDunningDto['penaltyRegime'];
      contractual_penalty_rate: string | null;
      level: number;
      level_reached_on: string | null;
      level_scenario_id: string | null;
      level_step_name: string | null;
      in_legal_collection: boolean;
    }> = await m.query(
      `SELECT cd.scenario_id, cd.hold_until::text, cd.hold_reason, cd.excluded, cd.collector_id, u.name AS collector_name,
              cd.penalty_regime, cd.contractual_penalty_rate::text, cd.level, cd.level_reached_on::text, cd.level_scenario_id,
              st.name AS level_step_name, cd.in_legal_collection
         FROM customer_dunning cd
         LEFT JOIN app_user u ON u.id = cd.collector_id AND u.tenant_id = cd.tenant_id
         LEFT JOIN dunning_step st ON st.tenant_id = cd.tenant_id AND st.scenario_id = cd.level_scenario_id AND st.position = cd.level
        WHERE cd.tenant_id = $1 AND cd.customer_id = $2`,
      [tenantId, customer.id],
    );
    const resolved = (await this.resolver.resolve(m, tenantId, [customer.id])).get(customer.id);
    const today = await this.clock.forTenant(m, tenantId);
    const holdUntil = row?.hold_until ?? null;
    return {
      customerId: customer.id,
      scenarioId: row?.scenario_id ?? null,
      resolvedScenario: {
        id: resolved?.scenarioId ?? null,
        name: resolved?.scenarioName ?? null,
        source: resolved?.source ?? 'default',
      },
      holdUntil,
      holdReason: row?.hold_reason ?? null,
      excluded: row?.excluded ?? false,
      collectorId: row?.collector_id ?? null,
      collectorName: row?.collector_name ?? null,
      penaltyRegime: row?.penalty_regime ?? null,
      effectivePenaltyRegime: penaltyRegimeFor(customer.country, row?.penalty_regime ?? null).regime,
      contractualPenaltyRate: row?.contractual_penalty_rate ? trimZeros(row.contractual_penalty_rate) : null,
      level: row?.level ?? 0,
      levelReachedOn: row?.level_reached_on ?? null,
      levelScenarioId: row?.level_scenario_id ?? null,
      levelStepName: (row?.level ?? 0) > 0 ? (row?.level_step_name ?? null) : null,
      inLegalCollection: row?.in_legal_collection ?? false,
      state: row?.excluded
        ? 'excluded'
        : row?.in_legal_collection
          ? 'legal_collection'
          : holdUntil && holdUntil >= today
            ? 'hold'
            : 'active',
    };
  }
}
