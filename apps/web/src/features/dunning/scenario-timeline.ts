/**
 * Geometry of the scenario editor's timeline: the steps of a scenario placed on a horizontal
 * axis of days around the due date (J-5 … J+60 by default, widened to fit every step), with
 * their labels stacked on lanes so that none overlaps another.
 */

export interface TimelineRange {
  /** First day shown (relative to the due date). */
  min: number;
  /** Last day shown. */
  max: number;
}

export const DEFAULT_RANGE: TimelineRange = { min: -5, max: 60 };

/** The default J-5 … J+60, widened (to a multiple of 5 days) so that every offset fits. */
export function timelineRange(offsets: readonly number[], base: TimelineRange = DEFAULT_RANGE): TimelineRange {
  const finite = offsets.filter((o) => Number.isFinite(o));
  const low = Math.min(base.min, ...finite);
  const high = Math.max(base.max, ...finite);
  return { min: Math.floor(low / 5) * 5, max: Math.ceil(high / 5) * 5 };
}

/** Where a day falls on the axis, in percent of its width (clamped to 0–100). */
export function dayPosition(day: number, range: TimelineRange): number {
  const span = range.max - range.min;
  if (span <= 0) return 0;
  return Math.min(100, Math.max(0, ((day - range.min) / span) * 100));
}

/** Graduations: every 5, 10, 15, 30… days so that there are at most `maxTicks`; the due date (0) always. */
export function timelineTicks(range: TimelineRange, maxTicks = 15): number[] {
  const span = range.max - range.min;
  const step = [5, 10, 15, 30, 60, 90, 180, 365].find((s) => span / s + 1 <= maxTicks) ?? 365;
  const ticks = new Set<number>([0]);
  for (let d = Math.ceil(range.min / step) * step; d <= range.max; d += step) ticks.add(d);
  if (range.min % step !== 0) ticks.add(range.min);
  return [...ticks].filter((d) => d >= range.min && d <= range.max).sort((a, b) => a - b);
}

export interface StepPlacement {
  /** Position of the step's marker on the axis, percent. */
  marker: number;
  /** Left edge of its label, percent (kept inside the axis). */
  labelLeft: number;
  /** Row of the label, 0 nearest to the axis. */
  lane: number;
}

/**
 * Places each step (given by its offset, in list order) on the axis. Labels are `labelWidth`
 * percent wide, centred on their marker but kept inside the axis; a label goes on the first
 * lane where it does not overlap the previous label of that lane (steps taken by increasing
 * offset). Returns the placements in the order of `offsets`, and the number of lanes used.
 */
export function layoutSteps(
  offsets: readonly number[],
  range: TimelineRange,
  labelWidth = 12,
  gap = 1,
): { placements: StepPlacement[]; lanes: number } {
  const width = Math.min(100, Math.max(0, labelWidth));
  const order = offsets.map((offset, index) => ({ offset, index })).sort((a, b) => a.offset - b.offset || a.index - b.index);
  const laneEnds: number[] = [];
  const placements: StepPlacement[] = new Array(offsets.length);
  for (const { offset, index } of order) {
    const marker = dayPosition(offset, range);
    const labelLeft = Math.min(100 - width, Math.max(0, marker - width / 2));
    let lane = laneEnds.findIndex((end) => end + gap <= labelLeft);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(labelLeft + width);
    } else {
      laneEnds[lane] = labelLeft + width;
    }
    placements[index] = { marker, labelLeft, lane };
  }
  return { placements, lanes: laneEnds.length };
}

/** Indexes of the steps whose offset is not strictly after the one before it in the list (the API refuses them). */
export function outOfOrder(offsets: readonly number[]): number[] {
  const bad: number[] = [];
  for (let i = 1; i < offsets.length; i++) if (!(offsets[i]! > offsets[i - 1]!)) bad.push(i);
  return bad;
}

/** "J-5", "J", "J+30" with the French prefix; the English screens pass "D" (D-5, D, D+30). */
export function dayLabel(day: number, prefix = 'J'): string {
  if (day === 0) return prefix;
  return day > 0 ? `${prefix}+${day}` : `${prefix}${day}`;
}
