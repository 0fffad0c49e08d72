import { describe, expect, it } from 'vitest';
import type { CostTagKey } from '../../../lib/contract';
import type { ActualSpend } from '../../../lib/cost/actual-spend';
import { compareSpend, daysBetween, lineUp, renderSpendComparison, spendComparisonJson } from '../../../lib/cost/spend-comparison';
import type { CostEstimate } from '../../../lib/cost/types';

describe('lineUp', () => {
  // A hand-made estimate: $73.00 and $36.50 a month are $72.00 and $36.00 over 30 days (× 360/365).
  const estimate: CostEstimate = {
    stage: 'dev',
    region: 'us-east-1',
    regionalFactor: { factor: 1, note: 'us-east-1 prices' },
    idleUsd: 20,
    expectedUsd: 109.5,
    lines: [],
    byTag: [
      { tag: 'Team', value: 'growth-ml', idleUsd: 15, expectedUsd: 73 },
      { tag: 'Team', value: 'ml-platform', idleUsd: 5, expectedUsd: 36.5 },
      { tag: 'Model', value: 'churn', idleUsd: 15, expectedUsd: 73 },
      { tag: 'Model', value: '(untagged)', idleUsd: 5, expectedUsd: 36.5 },
      // Less than a cent: no cost, on either side.
      { tag: 'CostCenter', value: 'CC-1001', idleUsd: 0, expectedUsd: 0.001 },
      { tag: 'Project', value: 'gantry', idleUsd: 0, expectedUsd: 0.004 },
    ],
    pricesRetrieved: '2026-11-22',
  };
  const actual: ActualSpend = new Map<CostTagKey, Map<string, number>>([
    ['Team', new Map([['growth-ml', 90], ['(untagged)', 5]])],
    ['Model', new Map([['(untagged)', 27], ['churn', 72]])],
    ['CostCenter', new Map([['CC-1001', 0.004]])],
    ['Project', new Map([['gantry', 0.5]])],
  ]);

  it('prorates the expected monthly estimate to the period and compares it with actual spend, values with cost on either side included', () => {
    const rows = lineUp(actual, estimate, 30);
    const rounded = rows.map((r) => ({ ...r, estimatedUsd: Number(r.estimatedUsd.toFixed(6)), differenceUsd: Number(r.differenceUsd.toFixed(6)), ratio: r.ratio === null ? null : Number(r.ratio.toFixed(6)) }));
    expect(rounded).toEqual([
      { tag: 'Team', value: 'growth-ml', actualUsd: 90, estimatedUsd: 72, differenceUsd: 18, ratio: 1.25 },
      { tag: 'Team', value: 'ml-platform', actualUsd: 0, estimatedUsd: 36, differenceUsd: -36, ratio: 0, onlyIn: 'estimate' },
      { tag: 'Team', value: '(untagged)', actualUsd: 5, estimatedUsd: 0, differenceUsd: 5, ratio: null, onlyIn: 'actual' },
      { tag: 'Project', value: 'gantry', actualUsd: 0.5, estimatedUsd: 0.003945, differenceUsd: 0.496055, ratio: null, onlyIn: 'actual' },
      { tag: 'Model', value: 'churn', actualUsd: 72, estimatedUsd: 72, differenceUsd: 0, ratio: 1 },
      { tag: 'Model', value: '(untagged)', actualUsd: 27, estimatedUsd: 36, differenceUsd: -9, ratio: 0.75 },
    ]);
  });

  it('prorates a whole average month to the monthly estimate itself', () => {
    const rows = lineUp(new Map(), estimate, 365 / 12);
    expect(rows.map((r) => [r.value, r.estimatedUsd])).toEqual([
      ['growth-ml', 73],
      ['ml-platform', 36.5],
      ['churn', 73],
      ['(untagged)', 36.5],
    ]);
  });
});

describe('daysBetween', () => {
  it.each([
    ['2026-09-16', '2026-10-16', 30],
    ['2026-02-01', '2026-03-01', 28],
    // Across the end of daylight saving time: UTC days, always whole.
    ['2026-10-20', '2026-11-10', 21],
    ['2026-01-01', '2027-01-01', 365],
  ])('counts %s to %s as %d days', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });
});

describe('compareSpend', () => {
  const estimate: CostEstimate = {
    stage: 'dev',
    region: 'us-east-1',
    regionalFactor: { factor: 1, note: 'us-east-1 prices' },
    idleUsd: 20,
    expectedUsd: 109.5,
    lines: [],
    byTag: [
      { tag: 'Team', value: 'growth-ml', idleUsd: 15, expectedUsd: 73 },
      { tag: 'Team', value: 'ml-platform', idleUsd: 5, expectedUsd: 36.5 },
    ],
    pricesRetrieved: '2026-11-22',
  };
  const spend = { byTag: new Map([['Team', new Map([['growth-ml', 90.004], ['data-eng', 1.75]])]]) as ActualSpend, estimated: true };
  const comparison = compareSpend({ estimate, environment: 'dev', from: '2026-09-16', to: '2026-10-16', spend });

  it('prorates the estimate to the period and keeps full precision', () => {
    expect(comparison).toMatchObject({ stage: 'dev', environment: 'dev', days: 30, monthFraction: 0.9863, partial: true, pricesRetrieved: '2026-11-22' });
    expect(comparison.rows.find((r) => r.value === 'growth-ml')!.actualUsd).toBe(90.004);
  });

  it('rounds amounts to cents and ratios to 2 decimals for --json', () => {
    const json = spendComparisonJson(comparison);
    expect(json.rows).toEqual([
      { tag: 'Team', value: 'data-eng', actualUsd: 1.75, estimatedUsd: 0, differenceUsd: 1.75, ratio: null, onlyIn: 'actual' },
      { tag: 'Team', value: 'growth-ml', actualUsd: 90, estimatedUsd: 72, differenceUsd: 18, ratio: 1.25 },
      { tag: 'Team', value: 'ml-platform', actualUsd: 0, estimatedUsd: 36, differenceUsd: -36, ratio: 0, onlyIn: 'estimate' },
    ]);
  });

  it('prints a heading, the caveat of estimated figures, and a table aligned on the amounts', () => {
    expect(renderSpendComparison(comparison).split('\n')).toEqual([
      'dev: Cost Explorer (Environment=dev, unblended) from 2026-09-16 to 2026-10-16 (excluded), 30 days, beside the expected estimate × 0.9863 (30 / 30.42 days; prices retrieved 2026-11-22)',
      'Cost Explorer marks part of the period as estimated: its figures may still change.',
      '',
      'tag   value        actual  estimate  difference  ratio',
      'Team  data-eng      $1.75     $0.00      +$1.75      -  not in the estimate',
      'Team  growth-ml    $90.00    $72.00     +$18.00   1.25',
      'Team  ml-platform   $0.00    $36.00     -$36.00   0.00  none in Cost Explorer',
    ]);
  });

  it('asks whether the tags are activated when Cost Explorer recorded nothing', () => {
    const none = compareSpend({ estimate, environment: 'dev', from: '2026-09-16', to: '2026-10-16', spend: { byTag: new Map(), estimated: false } });
    const text = renderSpendComparison(none).split('\n');
    expect(text[1]).toBe(
      'Cost Explorer recorded no cost tagged Environment=dev in the period: are the cost-allocation tags activated in the payer account (npm start prints how)? Its data also lags about 24 h.',
    );
  });
});
