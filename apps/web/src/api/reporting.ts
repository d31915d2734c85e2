/**
 * Ageing, KPIs, customer 360 summary and timeline: names for the generated types, and the
 * rule that tells "this server has no such endpoint" apart from a real failure, so screens
 * degrade to "indisponible" against an older API.
 *
 * Ratios (overdueShare, percentCurrent, cei, shareLate12m…) are percentage points (35.71
 * means 35.71 %); amounts are decimal strings.
 */
import { ApiError } from './problem';
import type { components, paths } from './types';

type S = components['schemas'];

export type Ageing = S['AgeingDto'];
export type AgeingBucket = S['AgeingBucketDto'];
export type AgeingGroup = S['AgeingGroupDto'];
export type AgeingQuery = NonNullable<paths['/api/v1/receivables/ageing']['get']['parameters']['query']>;
export type Kpis = S['KpisDto'];
export type KpiSet = S['KpiValuesDto'];
export type KpiHistoryPoint = S['KpiHistoryPointDto'];
export type CustomerSummary = S['Customer360Dto'];
export type Exposure = S['ExposureDto'];
export type PayerProfile = S['PayerProfileDto'];
export type PayerTrend = NonNullable<PayerProfile['trend']>;
export type OpenItem = S['OpenItemDto'];
export type TimelineItem = S['TimelineItemDto'];
export type TimelinePage = S['TimelinePageDto'];
export type CallInput = S['CreateCallDto'];
export type CallOutcome = CallInput['outcome'];

export const CALL_OUTCOMES: readonly CallOutcome[] = ['reached', 'no_answer', 'wrong_contact', 'promise', 'dispute', 'voicemail'];

/**
 * True when the endpoint does not exist on this server (an older API): the screen then says
 * "indisponible" instead of showing an error. The API answers an unknown route with a 404
 * whose detail is "No route matches GET /api/v1/…"; a 404 about a missing record (a
 * customer that does not exist) is not this case.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 405 || error.status === 501) return true;
  if (error.status !== 404) return false;
  const detail = error.problem?.detail;
  return detail === undefined || /^No route matches /.test(detail);
}
