import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { SettledInvoiceObservation } from './prediction.js';
import { evaluatePrediction } from './prediction-eval.js';

const CSV = new URL('../../../../../apps/api/data/ibm-accounts-receivable.csv', import.meta.url);

/** M/D/YYYY → YYYY-MM-DD */
function isoDate(s: string): string {
  const [m, d, y] = s.split('/');
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

function load(): SettledInvoiceObservation[] {
  const [header, ...lines] = readFileSync(CSV, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split(',');
    return {
      customerId: f[at('customerID')],
      segment: f[at('countryCode')],
      issueDate: isoDate(f[at('InvoiceDate')]),
      dueDate: isoDate(f[at('DueDate')]),
      amount: f[at('InvoiceAmount')],
      disputed: f[at('Disputed')] === 'Yes',
      channel: f[at('PaperlessBill')].toLowerCase(),
      settledDate: isoDate(f[at('SettledDate')]),
    };
  });
}

describe('payment-date prediction on the IBM accounts-receivable data (cut-off 2013-07-01)', () => {
  const result = evaluatePrediction(load(), '2013-07-01');

  it('beats every baseline on the settlement date and on late / on time', () => {
    const days = (x: number) => `${x.toFixed(2)} d`;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log(
      [
        `Payment-date prediction: train ${result.trainCount} settled before ${result.cutoff}, test ${result.testCount} issued on/after`,
        `params ${JSON.stringify(result.params)} (validation MAE ${result.validation ? days(result.validation.mae) : 'n/a'})`,
        'predictor                 MAE        accuracy',
        `model                     ${days(result.mae.model).padEnd(10)} ${pct(result.accuracy.model)}`,
        `due date                  ${days(result.mae.dueDate)}`,
        `customer mean             ${days(result.mae.customerMean)}`,
        `customer median           ${days(result.mae.customerMedian)}`,
        `customer majority                    ${pct(result.accuracy.customerMajority)}`,
      ].join('\n'),
    );
    expect(result.trainCount).toBeGreaterThan(1000);
    expect(result.testCount).toBeGreaterThan(400);
    const bestBaseline = Math.min(result.mae.dueDate, result.mae.customerMean, result.mae.customerMedian);
    expect(result.mae.model).toBeLessThan(bestBaseline);
    expect(result.mae.model).toBeLessThanOrEqual(5.5);
    expect(result.accuracy.model).toBeGreaterThanOrEqual(0.85);
    expect(result.accuracy.model).toBeGreaterThan(result.accuracy.customerMajority);
  });

  it('chooses its hyper-parameters inside the training period', () => {
    expect(result.validation).not.toBeNull();
    expect(result.validation!.cutoff < result.cutoff).toBe(true);
  });
});
