import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, TenantDb, type Page } from '@encours/api-core';
import {
  CompleteTaskDto,
  DecisionDto,
  PostponeTaskDto,
  ReassignTaskDto,
  WorklistItemDto,
  WorklistQuery,
} from './worklist.dto.js';
import { WorklistService } from './worklist.service.js';

const WORKERS = ['admin', 'credit_manager', 'collector', 'sales'] as const;

export class ApprovalResultDto {
  @ApiProperty({
    example: 'sent',
    description: 'Status of the action after approval: sent, queued (retrying), failed, task, done',
  })
  status: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Last delivery error, if the send failed' })
  error?: string | null;
}

export class AssigneeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Louis Relance' }) name: string;
  @ApiProperty({ example: 'collector', enum: ['admin', 'credit_manager', 'collector', 'sales'] }) role: string;
}

@ApiTags('dunning')
@Controller('v1/dunning')
export class WorklistController {
  constructor(
    private readonly worklist: WorklistService,
    private readonly db: TenantDb,
  ) {}

  @Get('assignees')
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:read'] })
  @ApiOperation({
    summary: 'Users who can be given dunning tasks or customers',
    description:
      "Active users of the tenant with a role that works tasks (admin, credit_manager, collector, sales), by name: for reassigning a task or choosing a customer's collector.",
  })
  @ApiOkResponse({ type: [AssigneeDto] })
  assignees(): Promise<AssigneeDto[]> {
    return this.db.dataSource.query(
      `SELECT id, name, role FROM app_user
        WHERE tenant_id = $1 AND active AND role IN ('admin', 'credit_manager', 'collector', 'sales')
        ORDER BY name, id`,
      [this.db.tenantId],
    );
  }

  @Get('worklist')
  @Access({ roles: [...WORKERS], scopes: ['dunning:read'] })
  @ApiOperation({
    summary: "Today's tasks, most important first",
    description:
      "Open tasks due today or earlier (calls, validations of reminders, letters to post, formal notices to send by registered mail, broken promises, breached plans, failed sends), ordered by a priority of 0-100 weighing the overdue amount (log scale, 50 points), the days late of the oldest invoice (35), the risk (15 × risk 0-1, where risk = 1 − (1 − promises) × (1 − late): promises = 0.5 per promise broken in the last 12 months, up to 1; late = the open-amount-weighted mean late probability of the customer's open invoices from the payment predictions, 0 when none) and the days the task has waited (up to 10). `assignee=me` (default) shows the caller's tasks and the unassigned ones; sales only see their own customers' tasks.",
  })
  @ApiPageResponse(WorklistItemDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: WorklistQuery): Promise<Page<WorklistItemDto>> {
    return this.worklist.list(q);
  }

  @Post('tasks/:id/complete')
  @HttpCode(204)
  @Access({ roles: [...WORKERS], scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Mark a task done',
    description:
      "A call needs its `outcome` (reached, promise, dispute, no_answer, wrong_contact, voicemail): it is logged on the customer's timeline. Completing a letter or formal-notice task marks its PDF printed.",
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  complete(@Param('id') id: string, @Body() dto: CompleteTaskDto): Promise<void> {
    return this.worklist.complete(id, dto);
  }

  @Post('tasks/:id/postpone')
  @HttpCode(204)
  @Access({ roles: [...WORKERS], scopes: ['dunning:write'] })
  @ApiOperation({ summary: 'Postpone a task to a later day' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  postpone(@Param('id') id: string, @Body() dto: PostponeTaskDto): Promise<void> {
    return this.worklist.postpone(id, dto);
  }

  @Post('tasks/:id/reassign')
  @HttpCode(204)
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:write'] })
  @ApiOperation({ summary: 'Give a task to another user' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  reassign(@Param('id') id: string, @Body() dto: ReassignTaskDto): Promise<void> {
    return this.worklist.reassign(id, dto.assigneeId);
  }

  @Post('tasks/:id/approve')
  @HttpCode(200)
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:write'] })
  @ApiOperation({
    summary: 'Approve a reminder waiting for validation',
    description:
      'The action is executed at once: the email or SMS is sent, the letter or formal notice rendered, the account blocked...',
  })
  @ApiOkResponse({ type: ApprovalResultDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  approve(@Param('id') id: string, @Body() dto: DecisionDto): Promise<ApprovalResultDto> {
    return this.worklist.approve(id, dto.comment);
  }

  @Post('tasks/:id/reject')
  @HttpCode(204)
  @Access({ roles: ['admin', 'credit_manager', 'collector'], scopes: ['dunning:write'] })
  @ApiOperation({ summary: 'Reject a reminder waiting for validation (it is not sent; the customer keeps its level)' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ type: Problem })
  reject(@Param('id') id: string, @Body() dto: DecisionDto): Promise<void> {
    return this.worklist.reject(id, dto.comment);
  }
}
