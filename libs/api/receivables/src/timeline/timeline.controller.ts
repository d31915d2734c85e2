import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, Problem, TenantDb, ValidationFailed } from '@encours/api-core';
import { Customer } from '../customers/customer.entity.js';
import { CustomerActivityService } from './customer-activity.service.js';
import { CreateCallDto, CreateNoteDto, TimelineItemDto, TimelinePageDto, TimelineQuery } from './timeline.dto.js';
import { isCursor, TimelineService } from './timeline.service.js';
import { assertInPortfolio } from '../shared/portfolio.js';

/** Who may log notes and calls: finance writers and sales (sales: their own customers, see assertMayActOn). */
const TIMELINE_WRITERS = ['admin', 'credit_manager', 'collector', 'sales'] as const;

@ApiTags('customers')
@Controller('v1/customers')
export class TimelineController {
  constructor(
    private readonly db: TenantDb,
    private readonly timeline: TimelineService,
    private readonly activity: CustomerActivityService,
  ) {}

  @Get(':id/timeline')
  @Access({ scopes: ['receivables:read'] })
  @ApiOperation({
    summary: "The customer's timeline, newest first",
    description:
      'Notes, calls and what other modules record, merged with facts of the ledger (invoice and credit note issued, payment received with the invoices it settled, invoice fully paid, item closed by a snapshot import, invoice overdue). Keyset pagination: pass `nextCursor` as `before`.',
  })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  async list(@Param('id') id: string, @Query() q: TimelineQuery): Promise<TimelinePageDto> {
    if (q.before !== undefined && !isCursor(q.before))
      throw new ValidationFailed([
        { field: 'before', message: 'before must be an ISO 8601 timestamp or the nextCursor of the previous page' },
      ]);
    const customer = await this.db.repo(Customer).get(id);
    assertInPortfolio(customer);
    return this.timeline.list(customer.id, { before: q.before, limit: q.limit, types: q.types });
  }

  @Post(':id/notes')
  @Access({ roles: [...TIMELINE_WRITERS], scopes: ['receivables:write'] })
  @ApiOperation({ summary: "Add a note to the customer's timeline" })
  @ApiCreatedResponse({ type: TimelineItemDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  addNote(@Param('id') id: string, @Body() dto: CreateNoteDto): Promise<TimelineItemDto> {
    return this.activity.addNote(id, dto);
  }

  @Post(':id/calls')
  @Access({ roles: [...TIMELINE_WRITERS], scopes: ['receivables:write'] })
  @ApiOperation({ summary: 'Log a phone call with the customer on its timeline' })
  @ApiCreatedResponse({ type: TimelineItemDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  logCall(@Param('id') id: string, @Body() dto: CreateCallDto): Promise<TimelineItemDto> {
    return this.activity.logCall(id, dto);
  }
}
