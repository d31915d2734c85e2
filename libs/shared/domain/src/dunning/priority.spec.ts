import { describe, expect, it } from '@jest/globals';
import { taskPriority } from './priority.js';

describe('taskPriority', () => {
  it('weighs amount (log scale), lateness and risk', () => {
    expect(taskPriority({ overdue: '0', daysLate: 0, risk: 0 })).toBe(0);
    expect(taskPriority({ overdue: '999999', daysLate: 120, risk: 1 })).toBe(100);
    expect(taskPriority({ overdue: '1000', daysLate: 0, risk: 0 })).toBe(25);
    expect(taskPriority({ overdue: '1000', daysLate: 60, risk: 0 })).toBe(42.5);
  });
  it('a large old debt outranks a small recent one; risk breaks near ties', () => {
    const big = taskPriority({ overdue: '50000', daysLate: 45, risk: 0 });
    const small = taskPriority({ overdue: '800', daysLate: 10, risk: 0.5 });
    expect(big).toBeGreaterThan(small);
    expect(taskPriority({ overdue: '5000', daysLate: 30, risk: 1 })).toBeGreaterThan(
      taskPriority({ overdue: '5000', daysLate: 30, risk: 0 }),
    );
  });
  it('tasks waiting past their day climb, capped at 10 points', () => {
    expect(taskPriority({ overdue: '1000', daysLate: 0, risk: 0, waitingDays: 30 })).toBe(35);
  });
});
