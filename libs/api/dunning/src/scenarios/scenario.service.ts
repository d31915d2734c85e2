import { Injectable } from '@nestjs/common';
import { ConflictError, TenantDb, ValidationFailed, type FieldError, type TenantTx } from '@encours/api-core';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { trimZeros } from '../penalties/penalty.service.js';
import { checkSteps } from './scenario-rules.js';
import { DunningScenario, DunningStep, type ScenarioMatch } from './scenario.entities.js';
import type { ScenarioDto, ScenarioInputDto, ScenarioMatchDto } from './scenario.dto.js';

/**
 * Dunning scenarios and their steps. Exactly one scenario of a tenant is the default: making
 * another one the default unsets the old one in the same transaction, and the default can be
 * neither deleted nor unset directly.
 */
@Injectable()
export class ScenarioService {
  constructor(
    private readonly db: TenantDb,
    private readonly setup: DunningSetupService,
  ) {}

  private async ready(): Promise<void> {
    await this.setup.ensureSeeded(this.db.dataSource.manager, this.db.tenantId);
  }

  async list(): Promise<ScenarioDto[]> {
    await this.ready();
    const scenarios = await this.db.repo(DunningScenario).find({ order: { isDefault: 'DESC', priority: 'ASC', name: 'ASC' } });
    return this.withSteps(this.db.dataSource.manager, scenarios);
  }

  async get(id: string): Promise<ScenarioDto> {
    await this.ready();
    const scenario = await this.db.repo(DunningScenario).get(id);
    return (await this.withSteps(this.db.dataSource.manager, [scenario]))[0];
  }

  async create(dto: ScenarioInputDto): Promise<ScenarioDto> {
    await this.ready();
    const id = await this.db.transaction(async (tx) => {
      await this.lockScenarios(tx);
      await this.validate(tx, dto, null);
      const repo = tx.repo(DunningScenario);
      if (dto.isDefault) await this.unsetDefault(tx, null);
      const scenario = await this.saveScenario(tx, repo.create({}), dto);
      await this.replaceSteps(tx, scenario.id, dto);
      return scenario.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: ScenarioInputDto): Promise<ScenarioDto> {
    await this.ready();
    await this.db.transaction(async (tx) => {
      const scenario = await tx.repo(DunningScenario).get(id);
      await this.lockScenarios(tx);
      await this.validate(tx, dto, scenario);
      if (dto.isDefault && !scenario.isDefault) await this.unsetDefault(tx, scenario.id);
      await this.saveScenario(tx, scenario, dto);
      await this.replaceSteps(tx, scenario.id, dto);
    });
    return this.get(id);
  }

  async remove(id: string, reassign?: 'default'): Promise<void> {
    await this.ready();
    await this.db.transaction(async (tx) => {
      const scenario = await tx.repo(DunningScenario).get(id);
      if (scenario.isDefault)
        throw new ConflictError(
          'default-scenario',
          'The default scenario cannot be deleted: make another scenario the default first',
        );
      const [{ count }]: Array<{ count: number }> = await tx.manager.query(
        `SELECT count(*)::int AS count FROM customer_dunning WHERE tenant_id = $1 AND scenario_id = $2`,
        [tx.tenantId, id],
      );
      if (count > 0 && reassign !== 'default')
        throw new ConflictError(
          'scenario-in-use',
          `${count} customer(s) are assigned to scenario "${scenario.name}": call again with ?reassign=default to move them back to the assignment rules and the default scenario`,
        );
      if (count > 0)
        await tx.manager.query(
          `UPDATE customer_dunning SET scenario_id = NULL, updated_at = now() WHERE tenant_id = $1 AND scenario_id = $2`,
          [tx.tenantId, id],
        );
      await tx.repo(DunningScenario).remove(scenario);
    });
  }

  /** Serialises the writers of a tenant's scenarios (default switching, name checks). */
  private async lockScenarios(tx: TenantTx): Promise<void> {
    await tx.manager.query(`SELECT pg_advisory_xact_lock(hashtext('encours.dunning.scenarios'), hashtext($1::text))`, [
      tx.tenantId,
    ]);
  }

  private async unsetDefault(tx: TenantTx, except: string | null): Promise<void> {
    await tx.manager.query(
      `UPDATE dunning_scenario SET is_default = false, updated_at = now() WHERE tenant_id = $1 AND is_default AND ($2::uuid IS NULL OR id <> $2)`,
      [tx.tenantId, except],
    );
  }

  private async validate(tx: TenantTx, dto: ScenarioInputDto, current: DunningScenario | null): Promise<void> {
    const [tenant]: Array<{ default_locale: string }> = await tx.manager.query(
      `SELECT default_locale FROM tenant WHERE id = $1`,
      [tx.tenantId],
    );
    const templates: Array<{ code: string; language: string; channel: string }> = await tx.manager.query(
      `SELECT code, language, channel FROM dunning_template WHERE tenant_id = $1`,
      [tx.tenantId],
    );
    const { errors } = checkSteps(dto.steps, templates, tenant?.default_locale === 'en' ? 'en' : 'fr');
    errors.push(...(await this.checkMatch(tx, dto.match)));
    const isDefault = dto.isDefault ?? current?.isDefault ?? false;
    if (current?.isDefault && dto.isDefault === false)
      errors.push({
        field: 'isDefault',
        message: 'A tenant always has a default scenario: make another scenario the default instead',
      });
    if (isDefault && dto.active === false) errors.push({ field: 'active', message: 'The default scenario must stay active' });
    const clash = await tx.repo(DunningScenario).findOneBy({ name: dto.name.trim() });
    if (clash && clash.id !== current?.id)
      errors.push({ field: 'name', message: `A scenario named "${dto.name.trim()}" already exists` });
    if (errors.length) throw new ValidationFailed(errors);
  }

  private async checkMatch(tx: TenantTx, match: ScenarioMatchDto | undefined): Promise<FieldError[]> {
    const ids = match?.businessUnitIds ?? [];
    if (!ids.length) return [];
    const rows: Array<{ id: string }> = await tx.manager.query(
      `SELECT id FROM business_unit WHERE tenant_id = $1 AND id = ANY ($2::uuid[])`,
      [tx.tenantId, ids],
    );
    const known = new Set(rows.map((r) => r.id));
    return ids.flatMap((id, i) =>
      known.has(id) ? [] : [{ field: `match.businessUnitIds[${i}]`, message: `Business unit ${id} does not exist` }],
    );
  }

  private async saveScenario(tx: TenantTx, scenario: DunningScenario, dto: ScenarioInputDto): Promise<DunningScenario> {
    Object.assign(scenario, {
      name: dto.name.trim(),
      description: dto.description === undefined ? (scenario.description ?? null) : dto.description?.trim() || null,
      isDefault: dto.isDefault ?? scenario.isDefault ?? false,
      active: dto.active ?? scenario.active ?? true,
      priority: dto.priority ?? scenario.priority ?? 100,
      match: dto.match ? cleanMatch(dto.match) : (scenario.match ?? {}),
    });
    return tx.repo(DunningScenario).save(scenario);
  }

  /**
   * Replaces the steps: the step at each position keeps its id (actions already planned refer
   * to it), extra positions are added, missing ones removed.
   */
  private async replaceSteps(tx: TenantTx, scenarioId: string, dto: ScenarioInputDto): Promise<void> {
    const { ordered } = checkSteps(dto.steps, [], 'fr');
    const repo = tx.repo(DunningStep);
    const existing = await repo.find({ where: { scenarioId } });
    const byPosition = new Map(existing.map((s) => [s.position, s]));
    const keep: DunningStep[] = ordered.map(({ step }, k) => {
      const position = k + 1;
      const row = byPosition.get(position) ?? repo.create({ scenarioId, position });
      return Object.assign(row, {
        name: step.name.trim(),
        offsetDays: step.offsetDays,
        action: step.action,
        templateCode: step.templateCode?.trim() || null,
        minOverdueAmount: step.minOverdueAmount ?? '0',
        actor: step.actor ?? 'collector',
        automatic: step.automatic ?? true,
      });
    });
    const removed = existing.filter((s) => !keep.includes(s));
    for (const s of removed) await repo.remove(s);
    await repo.save(keep);
  }

  private async withSteps(manager: TenantTx['manager'], scenarios: DunningScenario[]): Promise<ScenarioDto[]> {
    if (!scenarios.length) return [];
    const tenantId = this.db.tenantId;
    const ids = scenarios.map((s) => s.id);
    const steps = await manager.getRepository(DunningStep).find({
      where: ids.map((scenarioId) => ({ tenantId, scenarioId })),
      order: { position: 'ASC' },
    });
    const counts: Array<{ scenario_id: string; n: number }> = await manager.query(
      `SELECT scenario_id, count(*)::int AS n FROM customer_dunning WHERE tenant_id = $1 AND scenario_id = ANY ($2::uuid[]) GROUP BY scenario_id`,
      [tenantId, ids],
    );
    const count = new Map(counts.map((c) => [c.scenario_id, c.n]));
    return scenarios.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      isDefault: s.isDefault,
      active: s.active,
      priority: s.priority,
      match: s.match ?? {},
      steps: steps
        .filter((st) => st.scenarioId === s.id)
        .map((st) => ({
          id: st.id,
          position: st.position,
          name: st.name,
          offsetDays: st.offsetDays,
          action: st.action,
          templateCode: st.templateCode,
          minOverdueAmount: trimZeros(String(st.minOverdueAmount)),
          actor: st.actor,
          automatic: st.automatic,
        })),
      assignedCustomers: count.get(s.id) ?? 0,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    }));
  }
}

/** Keeps the criteria given, without duplicates; an empty list is left out ("any"). */
function cleanMatch(m: ScenarioMatchDto): ScenarioMatch {
  const out: ScenarioMatch = {};
  const set = (key: keyof ScenarioMatch, list: string[] | undefined) => {
    const values = [...new Set((list ?? []).map((v) => v.trim()).filter(Boolean))];
    if (values.length) out[key] = values;
  };
  set('segments', m.segments);
  set(
    'businessUnitIds',
    m.businessUnitIds?.map((v) => v.toLowerCase()),
  );
  set('riskGrades', m.riskGrades);
  set('countries', m.countries);
  return out;
}
