import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '@encours/api-core';
import { IsIn, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import type { Page } from '@encours/api-core';
import { toCsv } from '../imports/parse-body.js';

/** Lists: the page conventions plus `format=csv` (or `Accept: text/csv`) for an export. */
export class ListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv exports every matching row (also with Accept: text/csv)' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export const CSV_EXPORT_LIMIT = 100_000;

export function wantsCsv(req: Request, q: ListQuery): boolean {
  return q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
}

/** Sends the rows as CSV (passthrough response) and returns the body. */
export function csvResponse<T>(
  res: Response,
  filename: string,
  rows: T[],
  columns: { header: string; value: (r: T) => unknown }[],
): string {
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.csv"`);
  return toCsv(rows, columns);
}

/** The DTO's own keys as CSV columns. */
export function columnsOf<T extends object>(keys: (keyof T & string)[]): { header: string; value: (r: T) => unknown }[] {
  return keys.map((k) => ({ header: k, value: (r: T) => r[k] }));
}

/**
 * The list-or-export pattern of every list route: a page as JSON, or every matching row as CSV
 * with the DTO keys as columns (`format=csv` or `Accept: text/csv`).
 */
export async function listOrCsv<T extends object>(
  req: Request,
  res: Response,
  q: ListQuery,
  filename: string,
  load: (all: boolean) => Promise<Page<T>>,
  keys: (keyof T & string)[],
): Promise<Page<T> | string> {
  if (!wantsCsv(req, q)) return load(false);
  const page = await load(true);
  return csvResponse(res, filename, page.items, columnsOf<T>(keys));
}
