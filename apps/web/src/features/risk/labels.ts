/**
 * The risk vocabulary in the UI language: grade colours, tag severities, and the sentences that
 * explain a score factor, an alert or a credit-check reason from their data (the API's own
 * messages are English, for logs and integrators).
 */
import type {
  AlertSeverity,
  AlertType,
  CreditCheck,
  CreditCheckReason,
  Decision,
  Grade,
  LimitStatus,
  RiskAlert,
  ScoreFactor,
} from '../../api/scoring';

type Severity = 'success' | 'info' | 'warn' | 'danger' | 'secondary' | 'contrast';
/** vue-i18n's `t`: key, named values, and the count that picks a plural form. */
export type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string;
/** The formatters of `useFormat()` the sentences need. */
export interface Formatters {
  date: (value: string | null | undefined) => string;
  money: (amount: string, currency?: string) => string;
  percent: (points: number | null | undefined, digits?: number) => string;
  number: (value: number | null | undefined, digits?: number) => string;
}

/** Grade colours, from safe (green) to risky (red): text, background. */
export const GRADE_COLORS: Record<Grade, { fg: string; bg: string; chart: string }> = {
  A: { fg: '#166534', bg: '#dcfce7', chart: '#16a34a' },
  B: { fg: '#3f6212', bg: '#ecfccb', chart: '#65a30d' },
  C: { fg: '#854d0e', bg: '#fef9c3', chart: '#ca8a04' },
  D: { fg: '#9a3412', bg: '#ffedd5', chart: '#ea580c' },
  E: { fg: '#991b1b', bg: '#fee2e2', chart: '#dc2626' },
};

export const DECISION_SEVERITY: Record<Decision, Severity> = { accept: 'success', review: 'warn', block: 'danger' };
export const DECISION_ICONS: Record<Decision, string> = {
  accept: 'pi pi-check-circle',
  review: 'pi pi-eye',
  block: 'pi pi-ban',
};
export const ALERT_SEVERITY: Record<AlertSeverity, Severity> = { info: 'info', warning: 'warn', critical: 'danger' };
export const ALERT_ICONS: Record<AlertType, string> = {
  limit_threshold: 'pi pi-gauge',
  limit_review: 'pi pi-calendar-clock',
  legal_event: 'pi pi-briefcase',
  grade_change: 'pi pi-chart-line',
  limit_approval: 'pi pi-check-square',
};
export const LIMIT_STATUS_SEVERITY: Record<LimitStatus, Severity> = {
  pending: 'warn',
  active: 'success',
  rejected: 'danger',
  superseded: 'secondary',
};

/** How full a limit is: under the near level, near it (≥ 80 %), or over it (≥ 100 %). */
export function usageTone(percent: string | number | null | undefined, near = 80): 'ok' | 'near' | 'over' {
  const p = typeof percent === 'string' ? Number(percent) : (percent ?? 0);
  if (!Number.isFinite(p)) return 'ok';
  if (p >= 100) return 'over';
  if (p >= near) return 'near';
  return 'ok';
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function legalEventName(event: unknown, t: Translate): string {
  const e = str(event);
  return ['safeguard', 'receivership', 'liquidation'].includes(e) ? t(`risk.legalEvents.${e}`) : e;
}

/**
 * One plain sentence for a factor: what was measured ("Retard moyen pondéré de 32 jours sur
 * 6 mois"). An unavailable factor says what is missing.
 */
export function factorSentence(f: ScoreFactor, t: Translate, fmt: Formatters): string {
  const d = (f.detail ?? {}) as Record<string, unknown>;
  if (f.key === 'legalEvent') {
    return t('risk.sentences.legalEvent', {
      event: legalEventName(d.event, t),
      date: fmt.date(str(d.date)),
      provider: providerName(str(d.provider)),
    });
  }
  if (!f.available || f.value === null) return t(`risk.unavailable.${f.key}`);
  const v = f.value;
  switch (f.key) {
    case 'daysLate':
      return v <= 0
        ? t('risk.sentences.daysLateNone')
        : t('risk.sentences.daysLate', { n: fmt.number(v, 1) }, Number.isInteger(v) ? v : 2);
    case 'lateTrend': {
      const recent = fmt.number(num(d.recentDaysLate), 1);
      const prior = fmt.number(num(d.priorDaysLate), 1);
      if (v === 0) return t('risk.sentences.lateTrendStable', { recent, prior });
      return t(v > 0 ? 'risk.sentences.lateTrendWorse' : 'risk.sentences.lateTrendBetter', {
        n: fmt.number(Math.abs(v), 1),
        recent,
        prior,
      });
    }
    case 'lateShare': {
      const settled = num(d.settled);
      const late = num(d.late);
      return settled !== null && late !== null
        ? t('risk.sentences.lateShare', { late, settled, pct: fmt.percent(v, 0) }, settled)
        : t('risk.sentences.lateSharePct', { pct: fmt.percent(v, 0) });
    }
    case 'brokenPromises':
      return t('risk.sentences.brokenPromises', { n: v }, v);
    case 'disputes':
      return v <= 0 ? t('risk.sentences.disputesNone') : t('risk.sentences.disputes', { pct: fmt.percent(v, 0) });
    case 'overdueRatio':
      return v <= 0 ? t('risk.sentences.overdueNone') : t('risk.sentences.overdueRatio', { pct: fmt.percent(v, 0) });
    case 'limitUsage': {
      const currency = str(d.currency) || 'EUR';
      return d.exposure !== undefined && d.limit !== undefined
        ? t('risk.sentences.limitUsage', {
            pct: fmt.percent(v, 0),
            exposure: fmt.money(str(d.exposure), currency),
            limit: fmt.money(str(d.limit), currency),
          })
        : t('risk.sentences.limitUsagePct', { pct: fmt.percent(v, 0) });
    }
    case 'externalScore':
      return t('risk.sentences.externalScore', {
        provider: providerName(str(d.provider)),
        score: fmt.number(num(d.score), 2),
        max: fmt.number(num(d.scaleMax), 2),
        date: fmt.date(str(d.ratedOn)),
      });
    default:
      return '';
  }
}

/** "altares" → "Altares" (providers are stored lower case). */
export function providerName(provider: string): string {
  return provider ? provider.charAt(0).toUpperCase() + provider.slice(1) : '';
}

/** The alert in the UI language, from its data (the message itself is English). */
export function alertText(alert: RiskAlert, t: Translate, fmt: Formatters): string {
  const d = (alert.data ?? {}) as Record<string, unknown>;
  const currency = str(d.currency) || 'EUR';
  const money = (v: unknown) => (str(v) ? fmt.money(str(v), currency) : '');
  switch (alert.type) {
    case 'limit_threshold':
      if (d.exposure === undefined || d.limit === undefined) break;
      return t('risk.alertTexts.limit_threshold', {
        exposure: money(d.exposure),
        usage: fmt.percent(num(d.usagePercent), 0),
        limit: money(d.limit),
        level: num(d.level) ?? '',
      });
    case 'limit_review':
      if (!d.date) break;
      return t(d.kind === 'expiry' ? 'risk.alertTexts.limit_expiry' : 'risk.alertTexts.limit_review', {
        amount: money(d.amount),
        date: fmt.date(str(d.date)),
      });
    case 'limit_approval':
      if (d.amount === undefined) break;
      return num(d.increase) !== null && num(d.increase)! > 0
        ? t('risk.alertTexts.limit_approval', { amount: money(d.amount), increase: money(d.increase) })
        : t('risk.alertTexts.limit_approval_plain', { amount: money(d.amount) });
    case 'legal_event':
      if (!d.legalEvent) break;
      return t(d.legalEventDate ? 'risk.alertTexts.legal_event' : 'risk.alertTexts.legal_event_undated', {
        event: legalEventName(d.legalEvent, t),
        date: fmt.date(str(d.legalEventDate)),
        provider: providerName(str(d.provider)),
      });
    case 'grade_change':
      if (!d.grade) break;
      return t('risk.alertTexts.grade_change', {
        from: str(d.previousGrade),
        to: str(d.grade),
        score: num(d.score) ?? '',
      });
  }
  return alert.message;
}

/**
 * Why a check was not accepted, in the UI language, from the figures the API keeps with each reason
 * (`reason.data`). Checks logged before those figures were kept have no `data`: they get the plain
 * sentence of their rule (the English `message` is for logs, not parsed).
 */
export function reasonText(reason: CreditCheckReason, check: CreditCheck, t: Translate, fmt: Formatters): string {
  const d = (reason.data ?? {}) as Record<string, unknown>;
  const currency = str(d.currency) || check.limitCurrency;
  const money = (v: unknown) => fmt.money(str(v), currency);
  switch (reason.code) {
    case 'over_limit':
      return str(d.exposureAfter) && str(d.limit) && str(d.excess)
        ? t('creditChecks.reasons.over_limit', {
            after: money(d.exposureAfter),
            limit: money(d.limit),
            excess: money(d.excess),
          })
        : t('creditChecks.reasons.over_limit_plain');
    case 'overdue_days': {
      const days = num(d.days);
      const max = num(d.threshold);
      return days !== null && max !== null
        ? t('creditChecks.reasons.overdue_days', { n: days, max }, days)
        : t('creditChecks.reasons.overdue_days_plain');
    }
    case 'overdue_amount':
      return str(d.overdue) && str(d.threshold)
        ? t('creditChecks.reasons.overdue_amount', { amount: money(d.overdue), max: money(d.threshold) })
        : t('creditChecks.reasons.overdue_amount_plain');
    case 'legal_event':
      if (!str(d.event)) return t('creditChecks.reasons.legal_event_plain');
      return t(str(d.since) ? 'creditChecks.reasons.legal_event_since' : 'creditChecks.reasons.legal_event', {
        event: legalEventName(d.event, t),
        date: fmt.date(str(d.since)),
        provider: providerName(str(d.provider)),
      });
    default:
      return t(`creditChecks.reasons.${reason.code}`);
  }
}
