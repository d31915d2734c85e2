import { Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, PageQuery, Problem, TenantDb, toPage, type Page } from '@encours/api-core';
import { assertInPortfolio, Customer } from '@encours/receivables';
import type { Response } from 'express';
import { Clock } from '@encours/api-core';
import { DOCUMENT_KINDS, DunningDocument } from './dunning-document.entity.js';

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actionId: string | null;
  @ApiProperty({ enum: DOCUMENT_KINDS, example: 'formal_notice' }) kind: string;
  @ApiProperty({ example: 'Mise en demeure — factures impayées' }) title: string;
  @ApiProperty({ example: 'mise-en-demeure-C-00042-2026-11-25.pdf' }) filename: string;
  @ApiProperty({ example: 'application/pdf' }) mimeType: string;
  @ApiProperty({ example: 48211 }) size: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ enum: ['to_print', 'printed'], nullable: true }) printStatus: string | null;
  @ApiProperty({ type: String, nullable: true }) printedAt: string | null;
  @ApiProperty({ example: '2026-11-25T06:00:03.120Z' }) createdAt: string;
}

function dto(d: DunningDocument): DocumentDto {
  return {
    id: d.id,
    customerId: d.customerId,
    actionId: d.actionId,
    kind: d.kind,
    title: d.title,
    filename: d.filename,
    mimeType: d.mimeType,
    size: d.size,
    sha256: d.sha256,
    printStatus: d.printStatus,
    printedAt: d.printedAt ? d.printedAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
  };
}

const READERS = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'] as const;

/** The archive of every document sent (emails as .eml with attachments, SMS, PDF letters) and the print queue. */
@ApiTags('dunning')
@Controller('v1')
export class DocumentsController {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: Clock,
  ) {}

  @Get('customers/:id/documents')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Documents sent to a customer, newest first' })
  @ApiPageResponse(DocumentDto)
  @ApiNotFoundResponse({ type: Problem })
  async forCustomer(@Param('id') id: string, @Query() q: PageQuery): Promise<Page<DocumentDto>> {
    const customer = await this.db.repo(Customer).get(id);
    assertInPortfolio(customer);
    const [items, total] = await this.db.repo(DunningDocument).findAndCount({
      where: { customerId: customer.id },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(items.map(dto), total, q);
  }

  @Get('dunning/documents/:id/content')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Download a document as it was sent (PDF, .eml message, SMS text)' })
  @ApiProduces('application/pdf', 'message/rfc822', 'text/plain')
  @ApiOkResponse({ description: 'The document', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: Problem })
  async content(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const doc = await this.db
      .repo(DunningDocument)
      .get(id, { select: { id: true, customerId: true, filename: true, mimeType: true, content: true } as never });
    assertInPortfolio(await this.db.repo(Customer).get(doc.customerId));
    res.setHeader('Content-Disposition', `attachment; filename="${doc.filename.replace(/"/g, '')}"`);
    return new StreamableFile(doc.content, { type: doc.mimeType, length: doc.content.length });
  }

  @Get('dunning/print-queue')
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Letters and formal notices waiting to be printed and posted, oldest first' })
  @ApiPageResponse(DocumentDto)
  @ApiBadRequestResponse({ type: Problem })
  async printQueue(@Query() q: PageQuery): Promise<Page<DocumentDto>> {
    const [items, total] = await this.db.repo(DunningDocument).findAndCount({
      where: { printStatus: 'to_print' },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(items.map(dto), total, q);
  }

  @Post('dunning/documents/:id/printed')
  @HttpCode(204)
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:write'] })
  @ApiOperation({ summary: 'Mark a letter printed (and posted)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: Problem })
  async printed(@Param('id') id: string): Promise<void> {
    const repo = this.db.repo(DunningDocument);
    const doc = await repo.get(id);
    if (doc.printStatus !== 'to_print') return;
    await repo.save(Object.assign(doc, { printStatus: 'printed', printedAt: this.clock.now() }));
  }
}
