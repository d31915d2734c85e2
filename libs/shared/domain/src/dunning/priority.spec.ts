import { describe, expect, it } from '@jest/globals';
import { customerRisk, taskPriority } from './priority.js';

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

describe('customerRisk', () => {
  it.each([
    // brokenPromises, lateProbability, risk
    [0, null, 0],
    [1, null, 0.5],
    [2, null, 1],
    [5, null, 1],
    [0, 0.6, 0.6],
    [1, 0.6, 0.8],
    [0, 1, 1],
    [2, 0.1, 1],
    [1, 0, 0.5],
    [0, 0.25, 0.25],
  ])('%i broken promise(s), late probability %p → %p', (brokenPromises, lateProbability, risk) => {
    expect(customerRisk({ brokenPromises, lateProbability })).toBe(risk);
  });

  it('keeps to 0-1 whatever it is given', () => {
    expect(customerRisk({ brokenPromises: -3, lateProbability: -0.2 })).toBe(0);
    expect(customerRisk({ brokenPromises: 0, lateProbability: 1.7 })).toBe(1);
    expect(customerRisk({ brokenPromises: Number.NaN, lateProbability: Number.NaN })).toBe(0);
  });

  it('moves a task up the worklist when the customer is predicted to pay late, all else equal', () => {
    const task = { overdue: '5000', daysLate: 30, waitingDays: 0 };
    const punctual = taskPriority({ ...task, risk: customerRisk({ brokenPromises: 0, lateProbability: 0.05 }) });
    const late = taskPriority({ ...task, risk: customerRisk({ brokenPromises: 0, lateProbability: 0.9 }) });
    expect(late - punctual).toBeCloseTo(15 * 0.85, 0);
  });
});
