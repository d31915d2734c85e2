#!/usr/bin/env node
/**
 * Payment-date prediction back-test (issue 5, "Scoring").
 *
 *   npm run eval:prediction                        # the repo copy of the IBM accounts-receivable data
 *   npm run eval:prediction -- --file PATH         # another CSV with the same columns
 *   npm run eval:prediction -- --cutoff 2013-07-01 # the default
 *
 * Learns from invoices settled before the cut-off, predicts the settlement date of invoices issued on or
 * after it, and prints the mean absolute error (days) next to three baselines (due date, customer's mean
 * and median days-to-settle) and the late / on-time accuracy next to the customer-majority baseline.
 * Runs the BUILT domain package (libs/shared/domain/dist): builds it through Nx first (cached) unless
 * ENCOURS_SKIP_BUILD=1 and the build is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { root, run } from './lib.mjs';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: `${root}apps/api/data/ibm-accounts-receivable.csv` },
    cutoff: { type: 'string', default: '2013-07-01' },
  },
});

const dist = `${root}libs/shared/domain/dist/index.js`;
if (!(process.env.ENCOURS_SKIP_BUILD === '1' && existsSync(dist))) {
  run('npx', ['nx', 'run', '@encours/domain:build', '--output-style=static'], {
    env: { NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
  });
}
const { evaluatePrediction } = await import(pathToFileURL(dist).href);

/** M/D/YYYY → YYYY-MM-DD */
function isoDate(s) {
  const [m, d, y] = s.split('/');
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

const [header, ...lines] = readFileSync(resolve(values.file), 'utf8').trim().split(/\r?\n/);
const cols = header.split(',');
const at = (name) => {
  const i = cols.indexOf(name);
  if (i < 0) throw new Error(`Column ${name} missing from ${values.file}`);
  return i;
};
const c = Object.fromEntries(
  ['countryCode', 'customerID', 'InvoiceDate', 'DueDate', 'InvoiceAmount', 'Disputed', 'SettledDate', 'PaperlessBill'].map(
    (n) => [n, at(n)],
  ),
);
const rows = lines
  .filter((l) => l.trim() !== '')
  .map((line) => {
    const f = line.split(',');
    return {
      customerId: f[c.customerID],
      segment: f[c.countryCode],
      issueDate: isoDate(f[c.InvoiceDate]),
      dueDate: isoDate(f[c.DueDate]),
      amount: f[c.InvoiceAmount],
      disputed: f[c.Disputed] === 'Yes',
      channel: f[c.PaperlessBill].toLowerCase(),
      settledDate: isoDate(f[c.SettledDate]),
    };
  });

const r = evaluatePrediction(rows, values.cutoff);
const days = (x) => `${x.toFixed(2)} d`.padStart(9);
const pct = (x) => `${(x * 100).toFixed(1)} %`.padStart(9);
const blank = ''.padStart(9);

console.log(`Payment-date prediction, ${values.file}`);
console.log(
  `cut-off ${r.cutoff}: ${rows.length} invoices, train ${r.trainCount} (settled before), test ${r.testCount} (issued on/after)`,
);
if (r.validation) {
  console.log(
    `hyper-parameters chosen on a validation split inside the training period (learn < ${r.validation.cutoff}, ` +
      `${r.validation.trainCount} train / ${r.validation.testCount} validation; MAE ${r.validation.mae.toFixed(2)} d, ` +
      `accuracy ${(r.validation.accuracy * 100).toFixed(1)} %): half-life ${r.params.halfLifeInvoices} invoices, ` +
      `customer shrinkage ${r.params.customerShrinkage}, segment shrinkage ${r.params.segmentShrinkage}`,
  );
}
console.log('');
console.log(`${'predictor'.padEnd(34)}${'MAE'.padStart(9)}  ${'accuracy'.padStart(9)}`);
console.log(`${'model'.padEnd(34)}${days(r.mae.model)}  ${pct(r.accuracy.model)}`);
console.log(`${'baseline: due date'.padEnd(34)}${days(r.mae.dueDate)}`);
console.log(`${"baseline: customer's mean".padEnd(34)}${days(r.mae.customerMean)}`);
console.log(`${"baseline: customer's median".padEnd(34)}${days(r.mae.customerMedian)}`);
console.log(`${'baseline: customer majority'.padEnd(34)}${blank}  ${pct(r.accuracy.customerMajority)}`);
