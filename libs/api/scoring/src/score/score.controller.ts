import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiPageResponse, Problem, RequestContext, type Page, type Role } from '@encours/api-core';
import {
  CustomerScoreDto,
  GradeDistributionDto,
  RecomputeResultDto,
  ScoredCustomerDto,
  ScoreHistoryPointDto,
  ScoreHistoryQuery,
  ScoreListQuery,
} from './score.dto.js';
import { ScoreReadService } from './score-read.service.js';
import { ScoringJobs } from './score.jobs.js';

/** Who reads scores (sales: their own customers only). */
export const SCORE_READERS: Role[] = ['admin', 'credit_manager', 'collector', 'viewer', 'sales'];
/** Who recomputes scores and changes the scoring settings. */
export const SCORE_WRITERS: Role[] = ['admin', 'credit_manager'];

const MODEL =
  'Factors (0 worst to 100 best points): daysLate (amount-weighted average days late of the invoices settled in the last 6 months and of the overdue open ones: 0 days → 100, 0 at 60 days), lateTrend (last 6 months vs months 7-12: 50 + 2.5 per day of improvement), lateShare (invoices settled late in 12 months), brokenPromises (12 months: 0 → 100, 1 → 60, 2 → 30, 3+ → 0), disputes (disputed share of the open amount, doubled), overdueRatio (overdue share of the open amount), limitUsage (exposure vs the valid credit limit: 100 up to 50 %, 0 at 120 %), externalScore (latest provider score within 18 months, as % of its scale). A factor without input is left out and the weights (scoring settings) are renormalised over the others. Score = weighted average, rounded; grades A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E below. A collective proceeding (safeguard, receivership, liquidation dated within 24 months, not cleared by a later rating of the same provider) forces grade E and caps the score at 20.';

@ApiTags('scoring')
@Controller('v1')
export class ScoreController {
  constructor(
    private readonly reads: ScoreReadService,
    private readonly jobs: ScoringJobs,
  ) {}

  @Get('customers/:id/score')
  @Access({ roles: SCORE_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: "A customer's risk score and grade, explained by its factors",
    description: `The stored score (computed and stored first when the customer was never scored). Scores are recomputed every night and within minutes of a change of their inputs (invoices, payments, ratings, limits, open orders, promises). ${MODEL} Each factor gives its measured value, points, normalised weight, contribution (weight × points) and impact (points lost: weight × (100 − points)), sorted by impact. Sales: their own customers only.`,
  })
  @ApiOkResponse({ type: CustomerScoreDto })
  @ApiNotFoundResponse({ type: Problem })
  current(@Param('id') id: string): Promise<CustomerScoreDto> {
    return this.reads.current(id);
  }

  @Get('customers/:id/score/history')
  @Access({ roles: SCORE_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: "A customer's score history",
    description:
      'One point per day the score or the grade changed (the last computation of that day), oldest first; `from`/`to` bound the days. Sales: their own customers only.',
  })
  @ApiOkResponse({ type: [ScoreHistoryPointDto] })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  history(@Param('id') id: string, @Query() q: ScoreHistoryQuery): Promise<ScoreHistoryPointDto[]> {
    return this.reads.history(id, q);
  }

  @Get('scoring/scores')
  @Access({ roles: SCORE_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Customers with their risk score',
    description:
      '`grade=D,E` keeps those grades; `q` searches the name and the external reference; `sort` by score (lowest first, the default), -score, name or -name. Customers not scored yet come last (score null). Sales: their own customers only.',
  })
  @ApiPageResponse(ScoredCustomerDto)
  @ApiBadRequestResponse({ type: Problem })
  list(@Query() q: ScoreListQuery): Promise<Page<ScoredCustomerDto>> {
    return this.reads.list(q);
  }

  @Get('scoring/grades')
  @Access({ roles: SCORE_READERS, scopes: ['scoring:read'] })
  @ApiOperation({
    summary: 'Distribution of the customers by risk grade',
    description:
      'For each grade A to E, and for the customers not scored yet: the number of customers and their open receivables (open invoices less open credit notes) in the tenant currency, converted at the latest exchange rate. Sales: their own customers only.',
  })
  @ApiOkResponse({ type: GradeDistributionDto })
  grades(): Promise<GradeDistributionDto> {
    return this.reads.distribution();
  }

  @Post('scoring/recompute')
  @HttpCode(200)
  @Access({ roles: SCORE_WRITERS })
  @ApiOperation({
    summary: 'Recompute every score of the tenant now',
    description:
      'What the nightly job does (and counts as the day’s recompute): every customer scored, history rows for the scores that changed, alerts for grades that fell to D or E. 409 while a recompute of the tenant is running.',
  })
  @ApiOkResponse({ type: RecomputeResultDto })
  @ApiConflictResponse({ type: Problem })
  async recompute(): Promise<RecomputeResultDto> {
    const started = performance.now();
    const s = await this.jobs.recomputeNow(RequestContext.tenantId());
    return {
      day: s.day,
      customers: s.customers,
      grades: s.byGrade,
      gradeChanges: s.gradeChanges,
      alerts: s.alerts,
      ms: Math.round(performance.now() - started),
    };
  }
}
