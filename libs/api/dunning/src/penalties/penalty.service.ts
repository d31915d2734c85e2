import { Injectable } from '@nestjs/common';
import { ConflictError, TenantDb, ValidationFailed } from '@encours/api-core';
import { computeCustomerPenalties, fromMinor, isCalendarDate, toMinor, type CustomerPenaltyInvoice } from '@encours/domain';
import { assertInPortfolio, Customer } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { TenantToday } from '@encours/api-core';
import type { PenaltyRegime } from '../state/customer-dunning.entity.js';
import type { CustomerPenaltiesDto, PenaltyLineDto } from './penalty.dto.js';
import { penaltyRegimeFor, yearsBefore } from './penalty-regime.js';
import { ReferenceRateService } from './reference-rate.service.js';

/** Commercial debts are time-barred after 5 years (Code de commerce L110-4). */
export const LIMITATION_YEARS = 5;

interface LineRow {
  kind: 'open' | 'paid_late';
  invoice_id: string;
  number: string;
  due_date: string;
  currency: string;
  amount: string;
  paid_date: string | null;
  disputed: boolean;
}

/**
 * Late-payment penalties of a customer, computed with the pure rules of @encours/domain on the
 * tenant's reference-rate tables: every open overdue invoice (its open amount, up to `asOf`) and
 * every amount paid after its due date within the limitation period (from the due date to the
 * payment). Amounts settled by credit notes are not payments and carry no penalty.
 */
@Injectable()
export class PenaltyService {
  constructor(
    private readonly db: TenantDb,
    private readonly rates: ReferenceRateService,
    private readonly clock: TenantToday,
  ) {}

  /** For the API: the current tenant's customer (404 outside the caller's portfolio). */
  async forCustomer(customerId: string, asOf?: string): Promise<CustomerPenaltiesDto> {
    if (asOf !== undefined && !isCalendarDate(asOf))
      throw new ValidationFailed([{ field: 'asOf', message: `${asOf} is not a real calendar date` }]);
    const customer = await this.db.repo(Customer).get(customerId);
    assertInPortfolio(customer);
    return this.compute(this.db.dataSource.manager, this.db.tenantId, customer, asOf);
  }

  async compute(
    manager: EntityManager,
    tenantId: string,
    customer: Pick<Customer, 'id' | 'country'>,
    asOf?: string,
  ): Promise<CustomerPenaltiesDto> {
    const day = asOf ?? (await this.clock.forTenant(manager, tenantId));
    const limitationFrom = yearsBefore(day, LIMITATION_YEARS);
    const [setting]: Array<{ penalty_regime: PenaltyRegime | null; contractual_penalty_rate: string | null }> =
      await manager.query(
        `SELECT penalty_regime, contractual_penalty_rate::text FROM customer_dunning WHERE tenant_id = $1 AND customer_id = $2`,
        [tenantId, customer.id],
      );
    const { regime, source } = penaltyRegimeFor(customer.country, setting?.penalty_regime ?? null);
    const contractualRate = setting?.contractual_penalty_rate ?? null;
    const tables = await this.rates.tables(manager, tenantId);
    const rows: LineRow[] = await manager.query(
      `SELECT 'open' AS kind, i.id AS invoice_id, i.number, i.due_date::text, i.currency::text, i.open_amount::text AS amount,
              NULL::text AS paid_date, i.disputed
         FROM receivable_item i
        WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'invoice' AND i.status IN ('open', 'partially_paid')
          AND i.open_amount > 0 AND i.due_date < $3::date
       UNION ALL
       SELECT 'paid_late', i.id, i.number, i.due_date::text, i.currency::text, a.amount::text, a.date::text, i.disputed
         FROM allocation a
         JOIN receivable_item i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND i.customer_id = $2 AND a.payment_id IS NOT NULL
          AND a.date > i.due_date AND a.date <= $3::date AND a.date >= $4::date
        ORDER BY due_date, number, paid_date NULLS LAST`,
      [tenantId, customer.id, day, limitationFrom],
    );
    const inputs: CustomerPenaltyInvoice[] = rows.map((r) => ({
      invoiceId: r.invoice_id,
      amount: fromMinor(toMinor(trimZeros(r.amount), r.currency), r.currency),
      currency: r.currency,
      dueDate: r.due_date,
      paidDate: r.paid_date,
    }));
    let result: ReturnType<typeof computeCustomerPenalties>;
    try {
      result = computeCustomerPenalties(inputs, {
        asOf: day,
        regime,
        contractualRate,
        ecbTable: tables.ecbTable,
        legalTable: tables.legalTable,
      });
    } catch (err) {
      if (err instanceof RangeError)
        throw new ConflictError(
          'reference-rate-missing',
          `Penalties cannot be computed: ${err.message}. Complete the reference rates.`,
        );
      throw err;
    }
    const lines: PenaltyLineDto[] = result.lines.map((l, i) => {
      const r = rows[i];
      const line: PenaltyLineDto = {
        invoiceId: r.invoice_id,
        number: r.number,
        kind: r.kind,
        dueDate: r.due_date,
        amount: inputs[i].amount,
        currency: r.currency,
        paidDate: r.paid_date,
        disputed: r.disputed,
        daysLate: l.daysLate,
        segments: l.segments,
        interest: l.interest,
        indemnity: l.indemnity,
        indemnityCurrency: 'EUR',
        total: l.total,
        rateSource: l.rateSource,
      };
      if (l.floorRate) line.floorRate = l.floorRate;
      return line;
    });
    return {
      customerId: customer.id,
      asOf: day,
      limitationFrom,
      regime,
      regimeSource: source,
      contractualRate: contractualRate === null ? null : trimZeros(contractualRate),
      rateTables: 'tenant',
      lines,
      totals: result.totals,
      indemnity: result.indemnity,
      warnings: result.warnings,
    };
  }
}

/** '12.500' → '12.5', '40.000' → '40'. */
export function trimZeros(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}
