import { Injectable } from '@nestjs/common';
import { ECB_MRO_RATES, FR_LEGAL_INTEREST_RATES, halfYearStart } from '@encours/domain';
import type { EntityManager } from 'typeorm';
import { DEFAULT_TEMPLATES } from '../templates/defaults.js';
import { DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO_STEPS } from './default-scenario.js';
import { DunningSettings } from './dunning-settings.entity.js';

/**
 * Gives a tenant its dunning configuration on first use: the settings row, the shipped templates
 * (French and English), the "Standard" default scenario built on them, and its copy of the
 * reference rates (ECB main refinancing rate, French legal interest rate).
 *
 * Idempotent and safe under concurrency: every row is written with INSERT ... ON CONFLICT DO
 * NOTHING behind a transaction-scoped advisory lock per tenant, and the settings row is written
 * last, so its presence means "seeded". Every service of the module calls `ensure` before reading
 * configuration; once a tenant is known to be seeded, the call is a single indexed SELECT.
 *
 * Seeding happens once: a template or a scenario the tenant later deletes is not brought back.
 */
@Injectable()
export class DunningSetupService {
  /** Tenants whose settings row was seen committed by this process. */
  private readonly seeded = new Set<string>();

  /** The tenant's settings (without secrets), seeding the configuration first if needed. */
  async ensure(manager: EntityManager, tenantId: string): Promise<DunningSettings> {
    const found = await this.read(manager, tenantId);
    if (found) {
      this.seeded.add(tenantId);
      return found;
    }
    this.seeded.delete(tenantId);
    // Seed in one transaction (the caller's, or a new one).
    if (!manager.queryRunner?.isTransactionActive) return manager.transaction((m) => this.ensure(m, tenantId));
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('encours.dunning.setup'), hashtext($1::text))`, [tenantId]);
    const again = await this.read(manager, tenantId);
    if (again) return again;
    await this.seed(manager, tenantId);
    const settings = await this.read(manager, tenantId);
    if (!settings) throw new Error(`Dunning settings of tenant ${tenantId} could not be created`);
    return settings;
  }

  /**
   * Seeds the tenant if needed, without reading its settings: free once this process has seen the
   * tenant seeded. Runs (and commits) in its own transaction when the tenant is new.
   */
  async ensureSeeded(manager: EntityManager, tenantId: string): Promise<void> {
    if (this.seeded.has(tenantId)) return;
    await this.ensure(manager, tenantId);
  }

  /** True when this process has already seen the tenant seeded (for tests and diagnostics). */
  isKnownSeeded(tenantId: string): boolean {
    return this.seeded.has(tenantId);
  }

  private read(manager: EntityManager, tenantId: string): Promise<DunningSettings | null> {
    return manager.getRepository(DunningSettings).findOne({ where: { tenantId } });
  }

  private async seed(m: EntityManager, tenantId: string): Promise<void> {
    const [tenant]: Array<{ default_locale: string; name: string }> = await m.query(
      `SELECT default_locale, name FROM tenant WHERE id = $1`,
      [tenantId],
    );
    if (!tenant) throw new Error(`Unknown tenant ${tenantId}`);
    const lang: 'fr' | 'en' = tenant.default_locale === 'en' ? 'en' : 'fr';

    await m.query(
      `INSERT INTO dunning_template (tenant_id, code, language, channel, name, subject, body, shipped)
       SELECT $1, t.code, t.language, t.channel, t.name, t.subject, t.body, true
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(code, language, channel, name, subject, body)
       ON CONFLICT DO NOTHING`,
      [
        tenantId,
        DEFAULT_TEMPLATES.map((t) => t.code),
        DEFAULT_TEMPLATES.map((t) => t.language),
        DEFAULT_TEMPLATES.map((t) => t.channel),
        DEFAULT_TEMPLATES.map((t) => t.name),
        DEFAULT_TEMPLATES.map((t) => t.subject),
        DEFAULT_TEMPLATES.map((t) => t.body),
      ],
    );

    const description =
      lang === 'fr'
        ? 'Scénario par défaut : rappel préventif, deux e-mails, SMS, appel, lettre, mise en demeure et contentieux (validés par un responsable crédit).'
        : 'Default scenario: preventive reminder, two emails, SMS, call, letter, formal notice and legal escalation (validated by a credit manager).';
    const created: Array<{ id: string }> = await m.query(
      `INSERT INTO dunning_scenario (tenant_id, name, description, is_default, active, priority, match)
       VALUES ($1, $2, $3, true, true, 100, '{}'::jsonb)
       ON CONFLICT DO NOTHING RETURNING id`,
      [tenantId, DEFAULT_SCENARIO_NAME, description],
    );
    if (created.length) {
      const steps = DEFAULT_SCENARIO_STEPS;
      await m.query(
        `INSERT INTO dunning_step (tenant_id, scenario_id, position, name, offset_days, action, template_code, min_overdue_amount, actor, automatic)
         SELECT $1, $2, s.position, s.name, s.offset_days, s.action, s.template_code, 0, 'collector', s.automatic
           FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::boolean[])
                AS s(position, name, offset_days, action, template_code, automatic)
         ON CONFLICT DO NOTHING`,
        [
          tenantId,
          created[0].id,
          steps.map((_, i) => i + 1),
          steps.map((s) => s.name[lang]),
          steps.map((s) => s.offsetDays),
          steps.map((s) => s.action),
          steps.map((s) => s.templateCode),
          steps.map((s) => s.automatic),
        ],
      );
    }

    const rates = [
      ...ECB_MRO_RATES.map((r) => ({ kind: 'ecb_mro', date: r.effectiveDate, rate: r.rate })),
      ...FR_LEGAL_INTEREST_RATES.map((r) => ({ kind: 'fr_legal_pro', date: halfYearStart(r.year, r.half), rate: r.rate })),
    ];
    await m.query(
      `INSERT INTO reference_rate (tenant_id, kind, effective_date, rate)
       SELECT $1, r.kind, r.effective_date, r.rate
         FROM unnest($2::text[], $3::date[], $4::numeric[]) AS r(kind, effective_date, rate)
       ON CONFLICT DO NOTHING`,
      [tenantId, rates.map((r) => r.kind), rates.map((r) => r.date), rates.map((r) => r.rate)],
    );

    await m.query(`INSERT INTO dunning_settings (tenant_id, company_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      tenantId,
      tenant.name,
    ]);
  }
}
