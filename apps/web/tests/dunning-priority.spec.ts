import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import PriorityBadge from '../src/features/dunning/components/PriorityBadge.vue';
import { priorityLevel, PRIORITY_SEVERITY } from '../src/features/dunning/priority';
import { installPlugins } from '../src/plugins';

describe('priorityLevel', () => {
  it.each([
    [100, 'urgent'],
    [70, 'urgent'],
    [69.9, 'high'],
    [50, 'high'],
    [49.9, 'medium'],
    [30, 'medium'],
    [29.9, 'low'],
    [0, 'low'],
    [-3, 'low'],
    [Number.NaN, 'low'],
  ] as const)('%s → %s', (priority, level) => {
    expect(priorityLevel(priority)).toBe(level);
  });

  it('reads a worked example of the API score as urgent: 25,000 € overdue, 90 days late, a broken promise', () => {
    // amount 50·log10(25001)/6 ≈ 36.6, lateness 35·90/120 = 26.25, risk 15·0.5 = 7.5 → 70.4
    expect(priorityLevel(70.4)).toBe('urgent');
    // 1,200 € overdue, 10 days late, no risk: 25.7 + 2.9 → 28.6
    expect(priorityLevel(28.6)).toBe('low');
  });

  it('colours the levels from red to grey', () => {
    expect(PRIORITY_SEVERITY).toEqual({ urgent: 'danger', high: 'warn', medium: 'info', low: 'secondary' });
  });
});

describe('PriorityBadge', () => {
  it('shows the rounded score and the level in the UI language', () => {
    const wrapper = mount(PriorityBadge, {
      props: { priority: 61.46 },
      global: { plugins: [{ install: (app) => installPlugins(app, createPinia()) }] },
    });
    const badge = wrapper.get('[data-testid="priority-badge"]');
    expect(badge.attributes('data-level')).toBe('high');
    expect(badge.text()).toContain('61');
    expect(badge.text()).toContain('Haute');
  });
});
