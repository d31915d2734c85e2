import { applyDecorators, Body, Controller, Get, Headers, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, AppError, Problem, TenantDb, toPage, ValidationFailed, type Page } from '@encours/api-core';
import type { Request, Response } from 'express';
import { toCsv } from './parse-body.js';
import { ImportMapping, ImportRun, type ImportEntity, type ImportRunFormat } from './import.entities.js';
import {
  CreateImportMappingDto,
  ImportMappingDto,
  ImportQuery,
  ImportQueuedDto,
  ImportResultDto,
  ImportRunDto,
  ImportRunQuery,
} from './imports.dto.js';
import { bodyError, ImportsService } from './imports.service.js';
import { formatOf } from './parse-body.js';
import { MAX_UPLOAD_BYTES, uploadFormatOf, type UploadedImportFile } from './upload-file.js';

const IMPORTERS = { roles: ['admin', 'credit_manager'], scopes: ['imports:write'] } as const;

const toRunDto = (r: ImportRun, withErrors = false): ImportRunDto => ({
  id: r.id,
  entity: r.entity,
  source: r.source,
  format: r.format,
  fileName: r.fileName,
  mode: r.mode,
  dryRun: r.dryRun,
  partial: r.partial,
  status: r.status,
  progress: r.progress,
  counts: r.counts,
  errorCount: r.errorCount,
  ...(withErrors ? { errors: r.errors as ImportRunDto['errors'] } : {}),
  actorLabel: r.actorLabel,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

const toMappingDto = (m: ImportMapping): ImportMappingDto => ({
  id: m.id,
  source: m.source,
  entity: m.entity,
  columns: m.columns,
  delimiter: m.delimiter,
});

/** One example batch per import target, shown in the OpenAPI documentation. */
const IMPORT_EXAMPLES: Record<ImportEntity, object[]> = {
  customers: [
    {
      externalRef: 'C00042',
      name: 'Industrie Alpes SAS',
      siren: '552100554',
      country: 'FR',
      currency: 'EUR',
      paymentTermsDays: 30,
      segment: 'PME',
    },
    {
      externalRef: 'C00043',
      name: 'Logistique Loire SARL',
      country: 'FR',
      language: 'fr',
      salespersonEmail: 'sales@encours.test',
    },
  ],
  invoices: [
    {
      externalRef: 'F2026-00123',
      number: 'FA-2026-00123',
      customerRef: 'C00042',
      issueDate: '2026-02-01',
      dueDate: '2026-03-03',
      currency: 'EUR',
      amount: '1200.00',
      taxAmount: '200.00',
    },
    {
      externalRef: 'F2026-00124',
      number: 'FA-2026-00124',
      customerRef: 'C00043',
      issueDate: '2026-02-02',
      dueDate: '2026-03-31',
      currency: 'EUR',
      amount: '540.50',
    },
  ],
  'credit-notes': [
    {
      externalRef: 'AV2026-0007',
      number: 'AV-2026-0007',
      customerRef: 'C00042',
      issueDate: '2026-02-10',
      dueDate: '2026-02-10',
      currency: 'EUR',
      amount: '120.00',
    },
  ],
  payments: [
    {
      externalRef: 'VIR-88121',
      customerRef: 'C00042',
      date: '2026-03-05',
      amount: '1080.00',
      currency: 'EUR',
      method: 'transfer',
      allocations: [{ invoiceRef: 'F2026-00123', amount: '1080.00' }],
    },
  ],
  allocations: [
    { externalRef: 'LET-1', invoiceRef: 'F2026-00123', creditNoteRef: 'AV2026-0007', amount: '120.00', date: '2026-02-10' },
  ],
};

/** The OpenAPI and access rules shared by the five import routes. */
function ImportRoute(entity: ImportEntity) {
  return applyDecorators(
    Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] }),
    UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 } })),
    ApiOperation({
      summary: `Push a batch of ${entity} from the ERP (JSON array, NDJSON, CSV, or a CSV / XLSX file upload)`,
      description:
        'Upsert by externalRef; counts created / updated / unchanged / failed. All or nothing unless partial=true. ' +
        'Send an Idempotency-Key header to make retries safe: a replay returns the first answer. ' +
        'A file goes in the multipart field `file`: CSV (, ; or tab; UTF-8 or Windows-1252) or XLSX (first sheet or ?sheet=, ' +
        'header row), same mapping options, at most 50 MB. Imports of more than 10,000 rows and file uploads run in the ' +
        'background: the answer is 202 with a statusUrl to poll (GET /imports/{id}), unless async=false or dryRun=true ' +
        'for an upload of at most 10,000 rows.',
    }),
    ApiConsumes('application/json', 'application/x-ndjson', 'text/csv', 'multipart/form-data'),
    ApiBody({
      schema: {
        oneOf: [
          { type: 'array', items: { type: 'object', additionalProperties: true } },
          { type: 'string' },
          {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'A .csv or .xlsx file' } },
          },
        ],
      },
      examples: { [entity]: { summary: `Two ${entity}`, value: IMPORT_EXAMPLES[entity] } },
    }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Any unique string (e.g. a UUID) per logical request' }),
    ApiOkResponse({ type: ImportResultDto }),
    ApiAcceptedResponse({ type: ImportQueuedDto, description: 'Queued: poll statusUrl for progress and the result' }),
    ApiBadRequestResponse({ type: Problem }),
    ApiPayloadTooLargeResponse({ type: Problem, description: 'File larger than 50 MB' }),
    ApiUnsupportedMediaTypeResponse({ type: Problem, description: 'Unsupported body or file type (e.g. .xls)' }),
    ApiUnprocessableEntityResponse({
      description: 'Row errors (nothing written), snapshot limit, reused Idempotency-Key',
      type: Problem,
    }),
  );
}

/** ERP push API: customers, invoices, credit notes, payments and allocations in bulk. */
@ApiTags('imports')
@Controller('v1')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly db: TenantDb,
  ) {}

  @Post('imports/customers')
  @ImportRoute('customers')
  importCustomers(
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    return this.handle('customers', q, req, res, idempotencyKey);
  }

  @Post('imports/invoices')
  @ImportRoute('invoices')
  importInvoices(
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    return this.handle('invoices', q, req, res, idempotencyKey);
  }

  @Post('imports/credit-notes')
  @ImportRoute('credit-notes')
  importCreditNotes(
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    return this.handle('credit-notes', q, req, res, idempotencyKey);
  }

  @Post('imports/payments')
  @ImportRoute('payments')
  importPayments(
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    return this.handle('payments', q, req, res, idempotencyKey);
  }

  @Post('imports/allocations')
  @ImportRoute('allocations')
  importAllocations(
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<void> {
    return this.handle('allocations', q, req, res, idempotencyKey);
  }

  private async handle(
    entity: ImportEntity,
    q: ImportQuery,
    req: Request,
    res: Response,
    idempotencyKey?: string,
  ): Promise<void> {
    const file = (req as Request & { file?: UploadedImportFile }).file;
    if (!file && req.is('multipart/form-data'))
      throw new ValidationFailed([{ field: 'file', message: 'Send the CSV or XLSX file in the multipart field "file"' }]);
    let format: ImportRunFormat | null;
    try {
      format = file ? uploadFormatOf(file) : formatOf(req.headers['content-type']);
    } catch (e) {
      throw bodyError(e);
    }
    if (!format)
      throw new AppError(
        415,
        'unsupported-media-type',
        'Send application/json, application/x-ndjson, text/csv, or a file in multipart/form-data',
      );
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 200)) {
      throw new ValidationFailed([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 characters' }]);
    }
    const out = await this.imports.run({
      entity,
      format,
      body: file ? undefined : req.body,
      file,
      options: {
        mode: q.mode,
        dryRun: q.dryRun,
        partial: q.partial,
        maxClose: q.maxClose,
        delimiter: q.delimiter,
        mapping: q.mapping,
        mappingId: q.mappingId,
        sheet: q.sheet,
        async: q.async,
      },
      idempotencyKey,
      source: file ? 'file' : q.source,
    });
    if (out.status === 202) res.location(String(out.body.statusUrl));
    res.status(out.status).type(out.contentType).send(JSON.stringify(out.body));
  }

  @Get('imports')
  @Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] })
  @ApiOperation({ summary: 'Import history, latest first' })
  @ApiPageResponse(ImportRunDto)
  async list(@Query() q: ImportRunQuery): Promise<Page<ImportRunDto>> {
    const [rows, total] = await this.db.repo(ImportRun).findAndCount({
      where: q.entity ? { entity: q.entity } : {},
      order: { createdAt: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(
      rows.map((r) => toRunDto(r)),
      total,
      q,
    );
  }

  @Get('imports/:id')
  @Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] })
  @ApiOperation({ summary: 'One import: status, progress, counts and the first 1000 errors' })
  @ApiOkResponse({ type: ImportRunDto })
  @ApiNotFoundResponse({ type: Problem })
  async get(@Param('id') id: string): Promise<ImportRunDto> {
    return toRunDto(await this.db.repo(ImportRun).get(id), true);
  }

  @Get('imports/:id/errors.csv')
  @Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] })
  @ApiOperation({ summary: 'Error report of an import as CSV (row, field, message)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: Problem })
  async errors(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const run = await this.db.repo(ImportRun).get(id);
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="import-${run.id}-errors.csv"`);
    return toCsv(run.errors, [
      { header: 'row', value: (e) => e.row },
      { header: 'field', value: (e) => e.field },
      { header: 'message', value: (e) => e.message },
    ]);
  }

  @Get('import-mappings')
  @Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] })
  @ApiOperation({ summary: 'Saved CSV column mappings' })
  @ApiOkResponse({ type: [ImportMappingDto] })
  async mappings(): Promise<ImportMappingDto[]> {
    return (await this.db.repo(ImportMapping).find({ order: { source: 'ASC', entity: 'ASC' } })).map(toMappingDto);
  }

  @Post('import-mappings')
  @Access({ roles: [...IMPORTERS.roles], scopes: [...IMPORTERS.scopes] })
  @ApiOperation({ summary: 'Save the CSV column mapping of a source system for one entity (replaces the previous one)' })
  @ApiOkResponse({ type: ImportMappingDto })
  @ApiBadRequestResponse({ type: Problem })
  async saveMapping(@Body() dto: CreateImportMappingDto): Promise<ImportMappingDto> {
    const bad = Object.entries(dto.columns).filter(([, v]) => typeof v !== 'string' || !v);
    if (bad.length)
      throw new ValidationFailed(bad.map(([k]) => ({ field: `columns.${k}`, message: 'each column must map to a field name' })));
    const repo = this.db.repo(ImportMapping);
    const m =
      (await repo.findOneBy({ source: dto.source, entity: dto.entity })) ??
      repo.create({ source: dto.source, entity: dto.entity });
    m.columns = dto.columns;
    m.delimiter = dto.delimiter ?? null;
    return toMappingDto(await repo.save(m));
  }
}
