import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, type Page, type Role } from '@encours/api-core';
import { MAX_UPLOAD_BYTES } from '@encours/receivables';
import type { Request } from 'express';
import { readRows } from '../limits/bulk-input.js';
import {
  CreateExternalRatingDto,
  ExternalRatingDto,
  ExternalRatingQuery,
  RatingImportQuery,
  RatingImportResultDto,
  RatingRefreshQuery,
  RatingRefreshResultDto,
} from './ratings.dto.js';
import { RatingsService } from './ratings.service.js';

/** Who enters and imports external ratings. */
const RATING_WRITERS: Role[] = ['admin', 'credit_manager'];
/** Every role reads them (sales: their own customers). */
const RATING_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];

const IMPORT_EXAMPLE = [
  {
    customerRef: 'C00042',
    provider: 'altares',
    ratedOn: '2026-03-01',
    score: '14',
    scaleMax: '20',
    recommendedLimit: '50000',
    currency: 'EUR',
  },
  { siren: '552100554', provider: 'altares', ratedOn: '2026-03-01', legalEvent: 'receivership', legalEventDate: '2026-02-20' },
];

@ApiTags('scoring')
@Controller('v1')
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  @Post('external-ratings')
  @Access({ roles: RATING_WRITERS, scopes: ['scoring:write'] })
  @ApiOperation({
    summary: 'Enter one external rating',
    description:
      "A provider's rating of a customer on a date: score on the provider's scale (with scaleMax), recommended limit, collective proceeding (safeguard, receivership, liquidation). Upserted by (customer, provider, ratedOn). The customer is named by customerId, customerRef (ERP reference) or siren. A proceeding not known before for this customer and provider raises a critical risk alert, a timeline entry and the webhook event `customer.legal_event`, and the grade becomes E at once.",
  })
  @ApiCreatedResponse({ type: ExternalRatingDto })
  @ApiBadRequestResponse({ type: Problem, description: 'A field is invalid or the customer unknown; `errors[].field` names it' })
  create(@Body() dto: CreateExternalRatingDto): Promise<ExternalRatingDto> {
    return this.ratings.create(dto);
  }

  @Post('external-ratings/import')
  @HttpCode(200)
  @Access({ roles: RATING_WRITERS, scopes: ['scoring:write'] })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 } }))
  @ApiOperation({
    summary: 'Import external ratings (JSON array, or a CSV / XLSX file)',
    description:
      'Fields: customerId | customerRef | siren, provider, ratedOn, score, scaleMax, recommendedLimit, currency, legalEvent (safeguard | receivership | liquidation), legalEventDate, comment. Upsert by (customer, provider, ratedOn): counts created / updated / unchanged / failed, so replaying a file changes nothing. All or nothing: any row error answers 422 with `errors[]` ({row, field, message}) and writes nothing, unless partial=true (the valid rows are kept, the others reported). dryRun=true checks and counts, writes nothing, and answers 200 with the errors. A file goes in the multipart field `file` (CSV with , ; or tab, UTF-8 or Windows-1252; XLSX first sheet or ?sheet=), header row with the field names.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: { type: 'object', additionalProperties: true } },
        { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
      ],
    },
    examples: { ratings: { summary: 'A score and a proceeding', value: IMPORT_EXAMPLE } },
  })
  @ApiOkResponse({ type: RatingImportResultDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiUnsupportedMediaTypeResponse({ type: Problem })
  @ApiUnprocessableEntityResponse({
    type: Problem,
    description: 'Row errors: nothing written; `errors[]` has row, field and message',
  })
  async import(@Query() q: RatingImportQuery, @Req() req: Request): Promise<RatingImportResultDto> {
    return this.ratings.import(await readRows(req, { sheet: q.sheet }), q);
  }

  @Post('external-ratings/refresh')
  @HttpCode(200)
  @Access({ roles: RATING_WRITERS, scopes: ['scoring:write'] })
  @ApiOperation({
    summary: 'Fetch ratings from a registered provider connector',
    description:
      'Runs the connector named by `provider` over every customer of the tenant (batches of 500: id, SIREN, VAT number, name, country) and stores its answers like an import with partial=true (source `provider`). No connector is registered by default: a deployment that has a contract with Altares, Ellisphere, Creditsafe or Coface registers its own (see the API guide); an unknown provider is a 400 that lists the registered ones.',
  })
  @ApiOkResponse({ type: RatingRefreshResultDto })
  @ApiBadRequestResponse({ type: Problem, description: 'No such provider registered' })
  refresh(@Query() q: RatingRefreshQuery): Promise<RatingRefreshResultDto> {
    return this.ratings.refresh(q.provider);
  }

  @Get('external-ratings')
  @Access({ roles: RATING_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'External ratings of every customer, newest first',
    description:
      '`legalEvent=true` lists the collective proceedings (the risk page); `provider`, `customerId`, `source`, `from` (rated on or after) filter; `q` searches the customer name or reference. Sales see their own customers only.',
  })
  @ApiPageResponse(ExternalRatingDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: ExternalRatingQuery): Promise<Page<ExternalRatingDto>> {
    return this.ratings.list(q);
  }

  @Get('customers/:id/external-ratings')
  @Access({ roles: RATING_READERS, scopes: ['scoring:read'] })
  @ApiOperation({ summary: "A customer's external ratings, newest first" })
  @ApiPageResponse(ExternalRatingDto)
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  listForCustomer(@Param('id') id: string, @Query() q: ExternalRatingQuery): Promise<Page<ExternalRatingDto>> {
    return this.ratings.listForCustomer(id, q);
  }
}
