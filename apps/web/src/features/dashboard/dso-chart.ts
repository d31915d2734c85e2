import type { ChartData } from '../../charts';
import type { KpiHistoryPoint } from '../../api/reporting';

/** 'YYYY-MM' → "nov. 26" (fr-FR) / "Nov 26" (en-GB), without going through time zones. */
export function monthLabel(month: string, intlLocale: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat(intlLocale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(date);
}

/** Three lines over the months: DSO (count-back), best possible DSO, simple DSO (dashed). */
export function dsoTrendChart(
  history: KpiHistoryPoint[],
  intlLocale: string,
  names: { dso: string; bpdso: string; simple: string },
): ChartData<'line', (number | null)[], string> {
  const points = [...history].sort((a, b) => a.month.localeCompare(b.month));
  const round = (n: number | null) => (n === null || !Number.isFinite(n) ? null : Math.round(n * 10) / 10);
  return {
    labels: points.map((p) => monthLabel(p.month, intlLocale)),
    datasets: [
      {
        label: names.dso,
        data: points.map((p) => round(p.dsoCountBack)),
        borderColor: '#4f46e5',
        backgroundColor: 'rgba(79, 70, 229, 0.08)',
        fill: true,
        tension: 0.25,
        pointRadius: 2,
      },
      {
        label: names.bpdso,
        data: points.map((p) => round(p.bestPossibleDso)),
        borderColor: '#16a34a',
        backgroundColor: '#16a34a',
        tension: 0.25,
        pointRadius: 0,
      },
      {
        label: names.simple,
        data: points.map((p) => round(p.dsoSimple)),
        borderColor: '#94a3b8',
        backgroundColor: '#94a3b8',
        borderDash: [5, 4],
        tension: 0.25,
        pointRadius: 0,
      },
    ],
  };
}
