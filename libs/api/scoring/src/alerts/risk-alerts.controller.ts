import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, type Page } from '@encours/api-core';
import { RiskAlertInboxService } from './risk-alert-inbox.service.js';
import { ReadAllQuery, ReadAllResultDto, RiskAlertDto, RiskAlertQuery, UnreadCountDto } from './risk-alerts.dto.js';

@ApiTags('scoring')
@Controller('v1')
export class RiskAlertsController {
  constructor(private readonly inbox: RiskAlertInboxService) {}

  @Get('risk-alerts')
  @Access({ scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Risk alerts (in-app notifications), newest first',
    description:
      'Types: limit_threshold (exposure crossed a usage level of the credit limit; once per crossing), limit_review (a limit due for review or about to expire), limit_approval (a limit request waits for a credit manager), legal_event (a collective proceeding), grade_change. `unread=true`, `type`, `severity` and `customerId` filter. Sales see their own customers only.',
  })
  @ApiPageResponse(RiskAlertDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: RiskAlertQuery): Promise<Page<RiskAlertDto>> {
    return this.inbox.list(q);
  }

  @Get('risk-alerts/unread-count')
  @Access({ scopes: ['scoring:read'] })
  @ApiOperation({ summary: 'How many risk alerts are unread (the bell badge)' })
  @ApiOkResponse({ type: UnreadCountDto })
  unreadCount(): Promise<UnreadCountDto> {
    return this.inbox.unreadCount();
  }

  @Post('risk-alerts/read-all')
  @HttpCode(200)
  @Access({})
  @ApiOperation({
    summary: 'Mark every unread risk alert read',
    description: 'Optionally only those of a `type` or a `customerId`. Sales: their own customers only.',
  })
  @ApiOkResponse({ type: ReadAllResultDto })
  @ApiBadRequestResponse({ type: Problem })
  readAll(@Query() q: ReadAllQuery): Promise<ReadAllResultDto> {
    return this.inbox.markAllRead(q);
  }

  @Post('risk-alerts/:id/read')
  @HttpCode(200)
  @Access({})
  @ApiOperation({ summary: 'Mark a risk alert read (for the whole team)' })
  @ApiOkResponse({ type: RiskAlertDto })
  @ApiNotFoundResponse({ type: Problem })
  read(@Param('id') id: string): Promise<RiskAlertDto> {
    return this.inbox.markRead(id);
  }
}
