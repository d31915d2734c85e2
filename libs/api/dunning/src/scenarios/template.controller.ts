import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Access, Problem } from '@encours/api-core';
import type { Response } from 'express';
import {
  CreateTemplateDto,
  MergeFieldsDto,
  PreviewQuery,
  PreviewTemplateDto,
  TemplateDto,
  TemplatePreviewDto,
  TemplateQuery,
  UpdateTemplateDto,
} from './template.dto.js';
import { TemplateService } from './template.service.js';

const READERS = ['admin', 'credit_manager', 'collector'] as const;
const WRITERS = ['admin', 'credit_manager'] as const;
const INVALID =
  'The template is not valid: `errors[].field` is `subject` or `body`, the message names the problem (e.g. the unknown merge field and the closest known one)';

@ApiTags('dunning')
@Controller('v1/dunning')
export class TemplateController {
  constructor(private readonly templates: TemplateService) {}

  @Get('templates')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Message templates (by code and language), with the steps using them' })
  @ApiOkResponse({ type: [TemplateDto] })
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: TemplateQuery): Promise<TemplateDto[]> {
    return this.templates.list(q);
  }

  @Get('merge-fields')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'Merge fields and conditions a template may use, with descriptions and examples' })
  @ApiOkResponse({ type: MergeFieldsDto })
  mergeFields(): MergeFieldsDto {
    return this.templates.mergeFields();
  }

  @Post('templates/preview')
  @HttpCode(200)
  @Access({ roles: [...READERS] })
  @ApiOperation({
    summary: 'Render a template (saved or not) with a real customer or a sample customer',
    description:
      "With `customerId`, the customer's open undisputed invoices (the overdue ones, else all), its contact, collector and penalties as the run would compute them today; otherwise a built-in sample statement with the tenant's company identity. `?format=pdf` returns the letter or formal notice as a PDF. Syntax errors and unknown merge fields are a 400; other problems (e.g. an SMS that may be too long) are listed in `problems`.",
  })
  @ApiProduces('application/json', 'application/pdf')
  @ApiOkResponse({ type: TemplatePreviewDto, description: 'The rendering (JSON), or the PDF with format=pdf' })
  @ApiBadRequestResponse({ type: Problem, description: INVALID })
  @ApiNotFoundResponse({ type: Problem, description: 'Unknown customer' })
  async preview(
    @Body() dto: PreviewTemplateDto,
    @Query() q: PreviewQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TemplatePreviewDto | StreamableFile> {
    const result = await this.templates.preview(dto, q.format ?? 'json');
    if (result.format === 'json') return result.body;
    res.setHeader('Content-Disposition', `inline; filename="${result.filename}"`);
    return new StreamableFile(result.pdf, { type: 'application/pdf', length: result.pdf.length });
  }

  @Get('templates/:id')
  @Access({ roles: [...READERS], scopes: ['dunning:read'] })
  @ApiOperation({ summary: 'One template' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<TemplateDto> {
    return this.templates.get(id);
  }

  @Post('templates')
  @Access({ roles: [...WRITERS] })
  @ApiOperation({ summary: 'Add a template (a new code, or another language of an existing code with the same channel)' })
  @ApiCreatedResponse({ type: TemplateDto })
  @ApiBadRequestResponse({ type: Problem, description: INVALID })
  @ApiConflictResponse({ type: Problem, description: 'The code already exists in that language' })
  create(@Body() dto: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.create(dto);
  }

  @Put('templates/:id')
  @Access({ roles: [...WRITERS] })
  @ApiOperation({ summary: "Change a template's name, subject and body (code, language and channel stay)" })
  @ApiOkResponse({ type: TemplateDto })
  @ApiBadRequestResponse({ type: Problem, description: INVALID })
  @ApiNotFoundResponse({ type: Problem })
  update(@Param('id') id: string, @Body() dto: UpdateTemplateDto): Promise<TemplateDto> {
    return this.templates.update(id, dto);
  }

  @Delete('templates/:id')
  @HttpCode(204)
  @Access({ roles: [...WRITERS] })
  @ApiOperation({ summary: 'Delete a template no step uses' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'Used by a step: the message names the scenarios' })
  remove(@Param('id') id: string): Promise<void> {
    return this.templates.remove(id);
  }

  @Post('templates/:id/reset')
  @HttpCode(200)
  @Access({ roles: [...WRITERS] })
  @ApiOperation({ summary: 'Put a shipped template back to the text shipped with Encours' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem, description: 'Not a shipped template' })
  reset(@Param('id') id: string): Promise<TemplateDto> {
    return this.templates.reset(id);
  }
}
