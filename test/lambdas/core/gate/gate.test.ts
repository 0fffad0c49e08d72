import { describe, expect, it } from 'vitest';
import { checkThresholds, compareWithProduction, evaluateGate, missingMetrics, type ProductionMetrics } from '../../../../lambdas/core/gate/gate';
import type { GateResult, GateRules } from '../../../../lib/contract';

const maximize: GateRules = { primaryMetric: 'auc', direction: 'maximize', tolerance: 0.005, thresholds: { auc: { min: 0.75 }, logloss: { max: 0.5 } } };
const minimize: GateRules = { primaryMetric: 'rmse', direction: 'minimize', tolerance: 0.1, thresholds: { rmse: { max: 5 } } };
const v3 = (metrics: Record<string, number>): ProductionMetrics => ({ version: 3, metrics });

describe('evaluateGate', () => {
  const cases: Array<[string, Record<string, number>, GateRules, ProductionMetrics | undefined, GateResult]> = [
    [
      'passes with no production version',
      { auc: 0.8, logloss: 0.3 },
      maximize,
      undefined,
      { passed: true, reason: 'auc 0.8 meets the minimum 0.75; logloss 0.3 meets the maximum 0.5; no production version to compare with' },
    ],
    [
      'fails a maximized metric below production by more than the tolerance',
      { auc: 0.76, logloss: 0.3 },
      maximize,
      v3({ auc: 0.78 }),
      { passed: false, reason: "auc 0.76 is below production v3's 0.78 by more than the tolerance 0.005", productionVersion: 3 },
    ],
    [
      'passes a maximized metric below production within the tolerance',
      { auc: 0.777, logloss: 0.3 },
      maximize,
      v3({ auc: 0.78 }),
      {
        passed: true,
        reason: "auc 0.777 meets the minimum 0.75; logloss 0.3 meets the maximum 0.5; auc 0.777 is not below production v3's 0.78 by more than the tolerance 0.005",
        productionVersion: 3,
      },
    ],
    [
      'passes exactly on the tolerance boundary despite floating point (0.78 − 0.005)',
      { auc: 0.775, logloss: 0.3 },
      maximize,
      v3({ auc: 0.78 }),
      { passed: true, reason: expect.stringContaining("auc 0.775 is not below production v3's 0.78") as unknown as string, productionVersion: 3 },
    ],
    [
      'fails a minimized metric above production by more than the tolerance',
      { rmse: 4.5 },
      minimize,
      v3({ rmse: 4.3 }),
      { passed: false, reason: "rmse 4.5 is above production v3's 4.3 by more than the tolerance 0.1", productionVersion: 3 },
    ],
    [
      'passes a minimized metric that improves on production',
      { rmse: 4.0 },
      minimize,
      v3({ rmse: 4.3 }),
      { passed: true, reason: "rmse 4 meets the maximum 5; rmse 4 is not above production v3's 4.3 by more than the tolerance 0.1", productionVersion: 3 },
    ],
    [
      'passes, saying so, when production lacks the primary metric',
      { auc: 0.8, logloss: 0.3 },
      maximize,
      v3({ accuracy: 0.9 }),
      { passed: true, reason: 'auc 0.8 meets the minimum 0.75; logloss 0.3 meets the maximum 0.5; production v3 has no auc metric to compare with', productionVersion: 3 },
    ],
    [
      'fails every broken threshold, and production, in one reason',
      { auc: 0.7, logloss: 0.6 },
      maximize,
      v3({ auc: 0.78 }),
      {
        passed: false,
        reason: "auc 0.7 is below the minimum 0.75; logloss 0.6 is above the maximum 0.5; auc 0.7 is below production v3's 0.78 by more than the tolerance 0.005",
        productionVersion: 3,
      },
    ],
    [
      'fails a threshold metric missing from the candidate',
      { auc: 0.8 },
      maximize,
      undefined,
      { passed: false, reason: "logloss is missing from the candidate's metrics" },
    ],
    [
      'fails a primary metric missing from the candidate, without comparing',
      { logloss: 0.3 },
      { ...maximize, thresholds: {} },
      v3({ auc: 0.78 }),
      { passed: false, reason: "the primary metric auc is missing from the candidate's metrics", productionVersion: 3 },
    ],
    [
      'names a metric that is both primary and thresholded once',
      {},
      maximize,
      undefined,
      { passed: false, reason: "the primary metric auc is missing from the candidate's metrics; logloss is missing from the candidate's metrics" },
    ],
    [
      'passes with no thresholds and zero tolerance when equal to production',
      { auc: 0.78 },
      { ...maximize, tolerance: 0, thresholds: {} },
      v3({ auc: 0.78 }),
      { passed: true, reason: "auc 0.78 is not below production v3's 0.78 by more than the tolerance 0", productionVersion: 3 },
    ],
    [
      'holds bounds inclusively, min and max on one metric',
      { auc: 0.75 },
      { ...maximize, thresholds: { auc: { min: 0.75, max: 0.99 } } },
      undefined,
      { passed: true, reason: 'auc 0.75 meets the minimum 0.75; auc 0.75 meets the maximum 0.99; no production version to compare with' },
    ],
  ];

  it.each(cases)('%s', (_, metrics, rules, production, expected) => {
    expect(evaluateGate(metrics, rules, production)).toEqual(expected);
  });
});

describe('the parts of the gate', () => {
  it('missingMetrics lists thresholds first, then the primary metric', () => {
    expect(missingMetrics({}, { ...maximize, primaryMetric: 'f1' }).map((f) => f.reason)).toEqual([
      "auc is missing from the candidate's metrics",
      "logloss is missing from the candidate's metrics",
      "the primary metric f1 is missing from the candidate's metrics",
    ]);
  });

  it('checkThresholds skips metrics the candidate lacks (missingMetrics reports them)', () => {
    expect(checkThresholds({ auc: 0.8 }, maximize)).toEqual([{ passed: true, reason: 'auc 0.8 meets the minimum 0.75' }]);
  });

  it.each([
    ['maximize', 0.7749, false],
    ['maximize', 0.775, true],
    ['minimize', 0.7851, false],
    ['minimize', 0.785, true],
  ] as const)('compareWithProduction %s %d against 0.78 ± 0.005 → %s', (direction, candidate, passed) => {
    expect(compareWithProduction(candidate, { ...maximize, direction }, v3({ auc: 0.78 })).passed).toBe(passed);
  });
});

describe('rounding at the bounds', () => {
  // Metrics pass through JSON and averages: a value off by a relative billionth still meets its bound.
  it.each<[string, number, { min?: number; max?: number }, boolean]>([
    ['a value a billionth under a tiny minimum', 0, { min: 1e-9 }, true],
    ['a value a hundred-millionth under a tiny minimum', 0, { min: 1e-8 }, false],
    ['a large value a relative ten-billionth under its minimum', 1000 - 1e-7, { min: 1000 }, true],
    ['a large value a relative hundred-millionth under its minimum', 1000 - 1e-4, { min: 1000 }, false],
    ['a large value a relative ten-billionth over its maximum', 1000 + 1e-7, { max: 1000 }, true],
    ['a large value a relative hundred-millionth over its maximum', 1000 + 1e-4, { max: 1000 }, false],
  ])('%s: passes %s', (_, value, bound, passed) => {
    expect(checkThresholds({ m: value }, { primaryMetric: 'm', direction: 'maximize', tolerance: 0, thresholds: { m: bound } }).map((f) => f.passed)).toEqual([passed]);
  });
});

