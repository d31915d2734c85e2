import { Body, Controller, Get, Injectable, ParseArrayPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { Access, FINANCE_WRITERS, Problem, TenantDb, ValidationFailed } from '@encours/api-core';
import { CURRENCIES, isCalendarDate } from '@encours/domain';
import { ExchangeRate } from './exchange-rate.entity.js';

const upper = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class ExchangeRateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-03-31' }) date: string;
  @ApiProperty({ example: 'USD' }) fromCurrency: string;
  @ApiProperty({ example: 'EUR' }) toCurrency: string;
  @ApiProperty({ example: '0.92150000', description: '1 fromCurrency = rate toCurrency' }) rate: string;
  @ApiProperty({ enum: ['manual', 'import'], example: 'manual' }) source: string;
}

export class ExchangeRateInput {
  @ApiProperty({ example: '2026-03-31' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' }) date: string;
  @ApiProperty({ example: 'USD' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'fromCurrency must be an ISO 4217 currency code' })
  fromCurrency: string;
  @ApiProperty({ example: 'EUR' })
  @Transform(upper)
  @IsIn(CURRENCIES, { message: 'toCurrency must be an ISO 4217 currency code' })
  toCurrency: string;
  @ApiProperty({ example: '0.9215' })
  @Matches(/^\d{1,10}(\.\d{1,8})?$/, { message: 'rate must be a positive decimal with at most 8 decimals' })
  rate: string;
  @ApiPropertyOptional({ enum: ['manual', 'import'], default: 'manual' }) @IsOptional() @IsIn(['manual', 'import']) source?:
    'manual' | 'import';
}

export class ExchangeRateQuery {
  @ApiPropertyOptional({ example: 'USD' }) @IsOptional() @Transform(upper) @IsIn(CURRENCIES) fromCurrency?: string;
  @ApiPropertyOptional({ example: 'EUR' }) @IsOptional() @Transform(upper) @IsIn(CURRENCIES) toCurrency?: string;
  @ApiPropertyOptional({ example: '2026-03-31' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) date?: string;
}

const toDto = (r: ExchangeRate): ExchangeRateDto => ({
  id: r.id,
  date: r.date,
  fromCurrency: r.fromCurrency,
  toCurrency: r.toCurrency,
  rate: r.rate,
  source: r.source,
});

@Injectable()
export class ExchangeRateService {
  constructor(private readonly db: TenantDb) {}

  async list(q: ExchangeRateQuery): Promise<ExchangeRateDto[]> {
    const qb = this.db.repo(ExchangeRate).qb('r');
    if (q.fromCurrency) qb.andWhere('r.from_currency = :f', { f: q.fromCurrency });
    if (q.toCurrency) qb.andWhere('r.to_currency = :t', { t: q.toCurrency });
    if (q.date) qb.andWhere('r.date = :d', { d: q.date });
    return (
      await qb.orderBy('r.date', 'DESC').addOrderBy('r.from_currency').addOrderBy('r.to_currency').take(1000).getMany()
    ).map(toDto);
  }

  /** Upserts a list of rates in one statement (key: date, from, to). */
  async upsert(rates: ExchangeRateInput[]): Promise<ExchangeRateDto[]> {
    const errors = rates.flatMap((r, i) => [
      ...(isCalendarDate(r.date) ? [] : [{ row: i + 1, field: `[${i}].date`, message: 'date must be a real calendar date' }]),
      ...(r.fromCurrency === r.toCurrency
        ? [{ row: i + 1, field: `[${i}].toCurrency`, message: 'toCurrency must differ from fromCurrency' }]
        : []),
      ...(Number(r.rate) > 0 ? [] : [{ row: i + 1, field: `[${i}].rate`, message: 'rate must be greater than 0' }]),
    ]);
    if (errors.length) throw new ValidationFailed(errors);
    if (!rates.length) return [];
    const rows: ExchangeRate[] = await this.db.dataSource.query(
      `INSERT INTO exchange_rate AS t (tenant_id, date, from_currency, to_currency, rate, source)
       SELECT $1::uuid, r.date, r.from_currency, r.to_currency, r.rate, r.source
         FROM jsonb_to_recordset($2::jsonb) AS r(date date, from_currency text, to_currency text, rate numeric, source text)
       ON CONFLICT (tenant_id, date, from_currency, to_currency) DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source, updated_at = now()
       RETURNING id, date::text AS date, from_currency AS "fromCurrency", to_currency AS "toCurrency", rate::text AS rate, source`,
      [
        this.db.tenantId,
        JSON.stringify(
          rates.map((r) => ({
            date: r.date,
            from_currency: r.fromCurrency,
            to_currency: r.toCurrency,
            rate: r.rate,
            source: r.source ?? 'manual',
          })),
        ),
      ],
    );
    return rows.map(toDto);
  }
}

@ApiTags('receivables')
@Controller('v1/exchange-rates')
export class ExchangeRateController {
  constructor(private readonly rates: ExchangeRateService) {}

  @Get()
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({ summary: 'Exchange rates (latest first, at most 1000)' })
  @ApiOkResponse({ type: [ExchangeRateDto] })
  list(@Query() q: ExchangeRateQuery): Promise<ExchangeRateDto[]> {
    return this.rates.list(q);
  }

  @Post()
  @Access({ roles: FINANCE_WRITERS, scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Add or replace exchange rates (a list; key: date, fromCurrency, toCurrency)' })
  @ApiBody({ type: [ExchangeRateInput] })
  @ApiOkResponse({ type: [ExchangeRateDto] })
  @ApiBadRequestResponse({ type: Problem })
  upsert(
    @Body(new ParseArrayPipe({ items: ExchangeRateInput, whitelist: true, forbidNonWhitelisted: true }))
    rates: ExchangeRateInput[],
  ): Promise<ExchangeRateDto[]> {
    return this.rates.upsert(rates);
  }
}
