import { describe, expect, it } from 'vitest';
import {
  dayLabel,
  dayPosition,
  layoutSteps,
  outOfOrder,
  timelineRange,
  timelineTicks,
} from '../src/features/dunning/scenario-timeline';

describe('timelineRange', () => {
  it('is J-5 … J+60 when every step fits', () => {
    expect(timelineRange([5, 15, 30, 45])).toEqual({ min: -5, max: 60 });
    expect(timelineRange([])).toEqual({ min: -5, max: 60 });
  });

  it('widens to a multiple of 5 days to fit every step', () => {
    expect(timelineRange([-12, 5, 92])).toEqual({ min: -15, max: 95 });
  });
});

describe('dayPosition', () => {
  it('places days linearly on the axis, clamped to its ends', () => {
    const range = { min: -5, max: 60 };
    expect(dayPosition(-5, range)).toBe(0);
    expect(dayPosition(60, range)).toBe(100);
    expect(dayPosition(0, range)).toBeCloseTo(7.692, 3);
    expect(dayPosition(27.5, range)).toBe(50);
    expect(dayPosition(-50, range)).toBe(0);
    expect(dayPosition(500, range)).toBe(100);
    expect(dayPosition(3, { min: 0, max: 0 })).toBe(0);
  });
});

describe('timelineTicks', () => {
  it('marks every 5 days on the default axis, the due date included', () => {
    expect(timelineTicks({ min: -5, max: 60 })).toEqual([-5, 0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
  });

  it('takes a longer step on a wide axis, and keeps the start and the due date', () => {
    expect(timelineTicks({ min: -15, max: 185 })).toEqual([-15, 0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180]);
    expect(timelineTicks({ min: -5, max: 365 })).toEqual([-5, 0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360]);
  });
});

describe('layoutSteps', () => {
  const range = { min: -5, max: 60 };

  it('keeps labels of steps far apart on the first lane', () => {
    const { placements, lanes } = layoutSteps([0, 20, 45], range, 12);
    expect(lanes).toBe(1);
    expect(placements.map((p) => p.lane)).toEqual([0, 0, 0]);
    expect(placements[1]!.marker).toBeCloseTo(38.46, 2);
    expect(placements[1]!.labelLeft).toBeCloseTo(32.46, 2);
  });

  it('stacks the labels of close steps on further lanes, and reuses a lane once free', () => {
    // J+5, J+8 and J+10 collide (12 % wide labels on a 65-day axis: 7.8 days); J+30 is clear again.
    const { placements, lanes } = layoutSteps([5, 8, 10, 30], range, 12);
    expect(placements.map((p) => p.lane)).toEqual([0, 1, 2, 0]);
    expect(lanes).toBe(3);
  });

  it('keeps labels inside the axis at both ends', () => {
    const { placements } = layoutSteps([-5, 60], range, 12);
    expect(placements[0]!.labelLeft).toBe(0);
    expect(placements[1]!.labelLeft).toBe(88);
  });

  it('lays out by offset but answers in the order of the list (steps out of order included)', () => {
    const { placements } = layoutSteps([30, 5], range, 12);
    expect(placements[0]!.marker).toBeGreaterThan(placements[1]!.marker);
    expect(placements.map((p) => p.lane)).toEqual([0, 0]);
  });
});

describe('outOfOrder', () => {
  it('names the steps whose offset is not strictly after the previous one', () => {
    expect(outOfOrder([5, 15, 30])).toEqual([]);
    expect(outOfOrder([5, 15, 10, 30])).toEqual([2]);
    expect(outOfOrder([5, 5])).toEqual([1]);
  });
});

describe('dayLabel', () => {
  it('writes J-5, J, J+30 (D in English)', () => {
    expect(dayLabel(-5)).toBe('J-5');
    expect(dayLabel(0)).toBe('J');
    expect(dayLabel(30)).toBe('J+30');
    expect(dayLabel(30, 'D')).toBe('D+30');
  });
});
