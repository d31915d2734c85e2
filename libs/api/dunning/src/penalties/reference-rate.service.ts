import { Injectable } from '@nestjs/common';
import { AuditLog, auditRow, TenantDb, ValidationFailed, type FieldError } from '@encours/api-core';
import {
  halfYearOf,
  isCalendarDate,
  normalizeRate,
  rateToUnits,
  RATE_UNITS_PER_PERCENT,
  type EcbRateChange,
  type LegalInterestRate,
} from '@encours/domain';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { REFERENCE_RATE_KINDS, type ReferenceRateKind } from './reference-rate.entity.js';
import type { ReferenceRateTableDto, ReplaceReferenceRatesDto } from './reference-rate.dto.js';

/** A tenant's rate tables, in the shapes the penalty functions of @encours/domain take. */
export interface RateTables {
  ecbTable: EcbRateChange[];
  legalTable: LegalInterestRate[];
}

const DESCRIPTIONS: Record<ReferenceRateKind, string> = {
  ecb_mro:
    'ECB main refinancing operations rate, by effective date (penalties: rate in force on 1 January / 1 July + 10 points in France, + 8 under Directive 2011/7/EU)',
  fr_legal_pro:
    'French legal interest rate for professional creditors, by half-year (1 January / 1 July): 3x this rate is the floor of a contractual penalty rate',
};

const MIN_RATE = -1n * RATE_UNITS_PER_PERCENT;
const MAX_RATE = 100n * RATE_UNITS_PER_PERCENT;

/**
 * The tenant's editable copy of the reference rates (seeded from the shipped tables by
 * DunningSetupService). The penalty computations read it with `tables`.
 */
@Injectable()
export class ReferenceRateService {
  constructor(
    private readonly db: TenantDb,
    private readonly dataSource: DataSource,
    private readonly setup: DunningSetupService,
  ) {}

  /** Both tables of a tenant (one query). */
  async tables(manager: EntityManager, tenantId: string): Promise<RateTables> {
    await this.setup.ensureSeeded(manager, tenantId);
    const rows: Array<{ kind: ReferenceRateKind; effective_date: string; rate: string }> = await manager.query(
      `SELECT kind, effective_date::text, rate::text FROM reference_rate WHERE tenant_id = $1 ORDER BY kind, effective_date`,
      [tenantId],
    );
    const out: RateTables = { ecbTable: [], legalTable: [] };
    for (const r of rows) {
      if (r.kind === 'ecb_mro') out.ecbTable.push({ effectiveDate: r.effective_date, rate: normalizeRate(r.rate) });
      else if (r.kind === 'fr_legal_pro') {
        const { year, half } = halfYearOf(r.effective_date);
        out.legalTable.push({ year, half, rate: normalizeRate(r.rate) });
      }
    }
    return out;
  }

  async list(kind?: ReferenceRateKind): Promise<ReferenceRateTableDto[]> {
    const tenantId = this.db.tenantId;
    await this.setup.ensureSeeded(this.dataSource.manager, tenantId);
    const rows: Array<{ kind: ReferenceRateKind; effective_date: string; rate: string }> = await this.dataSource.query(
      `SELECT kind, effective_date::text, rate::text FROM reference_rate
        WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY kind, effective_date`,
      [tenantId, kind ?? null],
    );
    return (kind ? [kind] : [...REFERENCE_RATE_KINDS]).map((k) => ({
      kind: k,
      description: DESCRIPTIONS[k],
      rates: rows.filter((r) => r.kind === k).map((r) => ({ effectiveDate: r.effective_date, rate: normalizeRate(r.rate) })),
    }));
  }

  /** Replaces the tenant's table of one kind, after checking every row. */
  async replace(dto: ReplaceReferenceRatesDto): Promise<ReferenceRateTableDto> {
    const errors: FieldError[] = [];
    const seen = new Map<string, number>();
    dto.rates.forEach((r, i) => {
      if (!isCalendarDate(r.effectiveDate)) {
        errors.push({ field: `rates[${i}].effectiveDate`, message: `${r.effectiveDate} is not a real calendar date` });
      } else if (dto.kind === 'fr_legal_pro' && !/-(01|07)-01$/.test(r.effectiveDate)) {
        errors.push({
          field: `rates[${i}].effectiveDate`,
          message: 'A legal interest rate applies per half-year: use YYYY-01-01 or YYYY-07-01',
        });
      }
      const first = seen.get(r.effectiveDate);
      if (first !== undefined)
        errors.push({ field: `rates[${i}].effectiveDate`, message: `${r.effectiveDate} is already given in rates[${first}]` });
      else seen.set(r.effectiveDate, i);
      let units: bigint | null = null;
      try {
        units = rateToUnits(r.rate);
      } catch {
        errors.push({ field: `rates[${i}].rate`, message: 'rate must be a percentage such as 2.15 (up to 4 decimals)' });
      }
      if (units !== null && (units < MIN_RATE || units > MAX_RATE))
        errors.push({ field: `rates[${i}].rate`, message: 'rate must be between -1 and 100 (percent)' });
    });
    if (errors.length) throw new ValidationFailed(errors);
    const tenantId = this.db.tenantId;
    await this.setup.ensureSeeded(this.dataSource.manager, tenantId);
    await this.db.transaction(async (tx) => {
      await tx.manager.query(`DELETE FROM reference_rate WHERE tenant_id = $1 AND kind = $2`, [tenantId, dto.kind]);
      await tx.manager.query(
        `INSERT INTO reference_rate (tenant_id, kind, effective_date, rate)
         SELECT $1, $2, r.d, r.rate FROM unnest($3::date[], $4::numeric[]) AS r(d, rate)`,
        [tenantId, dto.kind, dto.rates.map((r) => r.effectiveDate), dto.rates.map((r) => normalizeRate(r.rate))],
      );
      await tx.manager.insert(
        AuditLog,
        auditRow(tenantId, 'reference_rate', dto.kind, 'update', {
          rates: { to: dto.rates.map((r) => `${r.effectiveDate}: ${normalizeRate(r.rate)}`).join(', ') },
        }) as QueryDeepPartialEntity<AuditLog>,
      );
    });
    return (await this.list(dto.kind))[0];
  }
}
