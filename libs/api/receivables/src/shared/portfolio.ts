import { NotFoundError, RequestContext } from '@encours/api-core';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * The `sales` role sees only its own portfolio: the customers whose salesperson it is. Every
 * read of customers and of what hangs off them (items, payments, 360, timeline, reporting)
 * goes through these helpers; other roles see the whole tenant.
 */
export function portfolioOwner(): string | null {
  const p = RequestContext.principal();
  return p?.kind === 'user' && p.role === 'sales' ? p.userId : null;
}

/** Restricts a query that has the customer table under `customerAlias`. */
export function restrictToPortfolio<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  customerAlias: string,
): SelectQueryBuilder<T> {
  const owner = portfolioOwner();
  if (owner) qb.andWhere(`${customerAlias}.salesperson_id = :__portfolioOwner`, { __portfolioOwner: owner });
  return qb;
}

/** SQL fragment for raw queries: `AND <customer_id column> IN (the portfolio)`, with its parameter. */
export function portfolioSql(customerIdColumn: string, paramIndex: number): { sql: string; params: string[] } {
  const owner = portfolioOwner();
  if (!owner) return { sql: '', params: [] };
  return {
    sql: ` AND ${customerIdColumn} IN (SELECT id FROM customer WHERE salesperson_id = $${paramIndex})`,
    params: [owner],
  };
}

/** A customer outside the caller's portfolio is answered as not found (404), like another tenant's. */
export function assertInPortfolio(customer: { id: string; salespersonId: string | null }): void {
  const owner = portfolioOwner();
  if (owner && customer.salespersonId !== owner) throw new NotFoundError('Customer', customer.id);
}
