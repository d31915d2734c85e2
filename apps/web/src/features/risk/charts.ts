import '../../charts';
import type { ChartData, Plugin } from 'chart.js';
import {
  GRADE_FLOORS,
  GRADES,
  type CashCollected,
  type Grade,
  type GradeDistribution,
  type ScoreHistoryPoint,
} from '../../api/scoring';
import { chartNumber } from '../../format';
import { monthLabel } from '../dashboard/dso-chart';
import { GRADE_COLORS } from './labels';

/** Customers per grade A to E, each bar in its grade's colour. */
export function gradeChart(distribution: GradeDistribution, label: string): ChartData<'bar', number[], string> {
  const byGrade = new Map(distribution.grades.map((g) => [g.grade, g.customers]));
  return {
    labels: [...GRADES],
    datasets: [
      {
        label,
        data: GRADES.map((g) => byGrade.get(g) ?? 0),
        backgroundColor: GRADES.map((g) => GRADE_COLORS[g].chart),
        borderRadius: 4,
        maxBarThickness: 56,
      },
    ],
  };
}

/** 'YYYY-MM-DD' → "18/12" (day and month), without going through time zones. */
function dayLabel(day: string, intlLocale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(intlLocale, { day: '2-digit', month: '2-digit', year: '2-digit', timeZone: 'UTC' }).format(date);
}

/** The score over the days it was computed (one point per day). */
export function scoreHistoryChart(
  history: ScoreHistoryPoint[],
  intlLocale: string,
  label: string,
): ChartData<'line', number[], string> {
  const points = [...history].sort((a, b) => a.day.localeCompare(b.day));
  return {
    labels: points.map((p) => dayLabel(p.day, intlLocale)),
    datasets: [
      {
        label,
        data: points.map((p) => p.score),
        borderColor: '#4338ca',
        backgroundColor: '#4338ca',
        pointBackgroundColor: points.map((p) => GRADE_COLORS[p.grade].chart),
        pointBorderColor: '#fff',
        pointRadius: points.length > 60 ? 0 : 4,
        pointHoverRadius: 5,
        tension: 0.2,
      },
    ],
  };
}

/** The score band of each grade (A at the top), for the bands behind the history line. */
export function gradeBands(): Array<{ grade: Grade; from: number; to: number }> {
  return GRADES.map((grade, i) => ({
    grade,
    from: GRADE_FLOORS[grade],
    to: i === 0 ? 100 : GRADE_FLOORS[GRADES[i - 1]!],
  }));
}

/** A Chart.js plugin that paints the grade bands (light) behind the line, with their letter. */
export const gradeBandsPlugin: Plugin<'line'> = {
  id: 'gradeBands',
  beforeDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    const y = scales.y;
    if (!y || !chartArea) return;
    ctx.save();
    for (const band of gradeBands()) {
      const top = y.getPixelForValue(band.to);
      const bottom = y.getPixelForValue(band.from);
      ctx.fillStyle = `${GRADE_COLORS[band.grade].chart}14`;
      ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
      ctx.fillStyle = `${GRADE_COLORS[band.grade].chart}aa`;
      ctx.font = '600 11px sans-serif';
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(band.grade, chartArea.right - 6, (top + bottom) / 2);
    }
    ctx.restore();
  },
};

const SALES_COLORS = ['#4f46e5', '#0891b2', '#16a34a', '#ca8a04', '#db2777', '#7c3aed', '#ea580c', '#475569'];

/** Cash collected per month, one stacked bar per salesperson. */
export function cashChart(cash: CashCollected, intlLocale: string, noSalesperson: string): ChartData<'bar', number[], string> {
  return {
    labels: cash.months.map((m) => monthLabel(m, intlLocale)),
    datasets: cash.salespeople.map((s, i) => ({
      label: s.name ?? noSalesperson,
      data: cash.months.map((m) => chartNumber(s.months.find((x) => x.month === m)?.cashCollected)),
      backgroundColor: SALES_COLORS[i % SALES_COLORS.length],
      borderRadius: 3,
      stack: 'cash',
    })),
  };
}
