import { describe, expect, it } from 'vitest';
import { chiSquarePValue, chiSquareStatistic, ksDistance, logGamma, psi, PSI_EPSILON, regularizedGammaQ } from '../../../../lambdas/core/drift/statistics';

const DECILES = new Array<number>(10).fill(0.1);

/** Q(k, y) for a whole k: e^-y · Σ_{i<k} y^i / i!, the closed form for an even number of degrees of freedom. */
function gammaQWhole(k: number, y: number): number {
  let term = 1;
  let sum = 1;
  for (let i = 1; i < k; i += 1) {
    term *= y / i;
    sum += term;
  }
  return Math.exp(-y) * sum;
}

describe('psi', () => {
  it('is exactly 0 for identical distributions', () => {
    expect(psi(DECILES, DECILES)).toBe(0);
    expect(psi([0.5, 0.3, 0.2, 0], [0.5, 0.3, 0.2, 0])).toBe(0);
  });

  it('gives the hand-computed value of a known shift', () => {
    // Bins 0-1 double (0.1 → 0.2), bins 6-9 halve (0.1 → 0.05), the rest stay:
    // 2 · (0.2 − 0.1) · ln 2 + 4 · (0.05 − 0.1) · ln 0.5 = 0.2 ln 2 + 0.2 ln 2 = 0.4 ln 2 ≈ 0.277259.
    expect(psi(DECILES, [0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05])).toBeCloseTo(0.4 * Math.LN2, 12);
  });

  it('raises an empty bin to epsilon instead of taking the log of 0', () => {
    // The observed last bin is empty: (1e-4 − 0.1) · ln(1e-4 / 0.1) = 0.0999 · ln 1000 ≈ 0.690085;
    // the first bin doubles: (0.2 − 0.1) · ln 2 ≈ 0.069315. Total ≈ 0.759399.
    const observed = [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0];
    expect(psi(DECILES, observed)).toBeCloseTo(0.1 * Math.LN2 + 0.0999 * Math.log(1000), 12);
    expect(PSI_EPSILON).toBe(1e-4);
  });

  it('takes another epsilon', () => {
    // Both empty cells become 0.01: 2 · (1 − 0.01) · ln(1 / 0.01).
    expect(psi([1, 0], [0, 1], 0.01)).toBeCloseTo(2 * 0.99 * Math.log(100), 12);
  });

  it('throws RangeError when the bins differ in number', () => {
    expect(() => psi([0.5, 0.5], [1])).toThrow(RangeError);
  });
});

describe('ksDistance', () => {
  it('is 0 for counts in the baseline proportions', () => {
    expect(ksDistance(DECILES, new Array<number>(10).fill(7))).toBeCloseTo(0, 15);
  });

  it('is the largest CDF gap at the bin edges', () => {
    // Window CDF at the 9 edges: 0.2 0.4 0.5 0.6 0.7 0.8 0.85 0.9 0.95; baseline 0.1 … 0.9.
    // Gaps: 0.1 0.2 0.2 0.2 0.2 0.2 0.15 0.1 0.05 → 0.2.
    expect(ksDistance(DECILES, [20, 20, 10, 10, 10, 10, 5, 5, 5, 5])).toBeCloseTo(0.2, 12);
    // Everything in the top bin: the window CDF is 0 up to the last edge, where the baseline's is 0.9.
    expect(ksDistance(DECILES, [0, 0, 0, 0, 0, 0, 0, 0, 0, 3])).toBeCloseTo(0.9, 12);
  });

  it.each([
    // Proportions that sum to less than 1 (a baseline rounded when written): the missing 0.1 would
    // be a gap at the last edge, but that edge is +∞, where both CDFs are 1 by definition.
    ['proportions short of 1, window in their shares', [0.5, 0.4], [1, 1], 0],
    ['proportions short of 1, window all in the last bin', [0.5, 0.4], [0, 3], 0.5],
    ['ten deciles that sum to 0.9', new Array<number>(10).fill(0.09), new Array<number>(10).fill(1), 0.09],
  ])('compares only the edges below the last bin: %s', (_, proportions, counts, distance) => {
    expect(ksDistance(proportions, counts)).toBeCloseTo(distance, 15);
  });

  it('is 0 for an empty window and for a single bin', () => {
    expect(ksDistance(DECILES, new Array<number>(10).fill(0))).toBe(0);
    expect(ksDistance([1], [42])).toBe(0);
  });

  it('throws RangeError when the bins differ in number', () => {
    expect(() => ksDistance(DECILES, [1, 2])).toThrow(RangeError);
  });
});

describe('chiSquareStatistic', () => {
  it('sums (O − E)² / E with E = share · n', () => {
    // n = 100: expected 50, 30, 20; observed 40, 30, 30 → 100/50 + 0 + 100/20 = 7.
    expect(chiSquareStatistic([0.5, 0.3, 0.2], [40, 30, 30])).toBeCloseTo(7, 12);
  });

  it('gives a cell the baseline never saw an expected share of epsilon', () => {
    // Expected 60, 40, 0.01 (1e-4 · 100): 0 + 100/40 + (10 − 0.01)²/0.01.
    expect(chiSquareStatistic([0.6, 0.4, 0], [60, 30, 10])).toBeCloseTo(2.5 + 9.99 ** 2 / 0.01, 8);
  });
});

describe('chiSquarePValue', () => {
  it.each([
    // The statistic at which the p-value is 0.05 (or 0.01): chi-square quantiles from tables (scipy.stats.chi2.ppf).
    [3.841458820694124, 1, 0.05],
    [18.307038053275146, 10, 0.05],
    [6.6348966010212145, 1, 0.01],
    [124.34211340400407, 100, 0.05],
    // scipy.stats.chi2.sf
    [0.5, 3, 0.9188914116546758],
    [4.01, 2, 0.1346602956955059],
  ])('chi2 = %d with %i degrees of freedom → p = %d', (statistic, df, p) => {
    expect(chiSquarePValue(statistic, df)).toBeCloseTo(p, 9);
  });

  it('gives the rounded table values within 1e-4', () => {
    expect(chiSquarePValue(3.841, 1)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(18.307, 10)).toBeCloseTo(0.05, 4);
  });

  it.each([2, 4, 10, 50])('matches the closed form for %i degrees of freedom to 1e-10', (df) => {
    for (const statistic of [0.01, 0.5, 1, df - 1, df, df + 1, 2 * df, 5 * df + 20]) {
      expect(Math.abs(chiSquarePValue(statistic, df) - gammaQWhole(df / 2, statistic / 2))).toBeLessThan(1e-10);
    }
  });

  it.each([4, 6, 10, 20, 50])('matches the closed form at a statistic of df − 2 (x = a − 1) for %i degrees of freedom', (df) => {
    // The series takes x < a + 1 there: the continued fraction's first denominator, x + 1 − a, is 0 at x = a − 1.
    expect(Math.abs(chiSquarePValue(df - 2, df) - gammaQWhole(df / 2, df / 2 - 1))).toBeLessThan(1e-13);
  });

  it('is 1 for a statistic of 0 or no degree of freedom, and falls to 0 for a huge statistic', () => {
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(12, 0)).toBe(1);
    expect(chiSquarePValue(1e6, 2)).toBe(0);
  });

  it('throws RangeError for NaN', () => {
    expect(() => chiSquarePValue(NaN, 1)).toThrow(RangeError);
  });
});

describe('regularizedGammaQ and logGamma', () => {
  it('Q(1, x) = e^-x and Q(a, 0) = 1', () => {
    expect(regularizedGammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14);
    expect(regularizedGammaQ(3.5, 0)).toBe(1);
    expect(regularizedGammaQ(3.5, Infinity)).toBe(0);
  });

  it.each([-1, -0.5, -1e-300, -Infinity])('Q(a, x) = 1 for x = %d below 0, as for x = 0 (no log of a negative)', (x) => {
    expect([regularizedGammaQ(2, x), regularizedGammaQ(0.5, x)]).toEqual([1, 1]);
  });

  it.each([2, 3, 5, 10, 20, 50])('Q(1, %d) = e^-x to 2e-15 relative: from x = a + 1 on, Q comes straight from the continued fraction', (x) => {
    // The series computes P and returns 1 − P, so Q's relative error is P/Q times P's: at a = 1,
    // x = 2 that is 6.4 times, about 4e-15; the continued fraction gives Q itself (Numerical Recipes §6.2).
    expect(Math.abs(regularizedGammaQ(1, x) - Math.exp(-x)) / Math.exp(-x)).toBeLessThan(2e-15);
  });

  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it.each([
    // Γ(1/4) and Γ(1/3) to 20 digits (OEIS A068466, A073005): below 1/2 logGamma reflects.
    [0.25, 3.6256099082219083119],
    [1 / 3, 2.6789385347077476337],
  ])('logGamma(%d) = ln Γ of the table value', (x, gamma) => {
    expect(logGamma(x)).toBeCloseTo(Math.log(gamma), 14);
  });

  it('logGamma below 1/2 keeps Γ(x + 1) = x Γ(x) with the direct formula above it, on seeded random x in (0, 0.5)', () => {
    let seed = 20261204;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 200; i += 1) {
      const x = random() * 0.5 || 0.25;
      expect([x, logGamma(x)]).toEqual([x, expect.closeTo(logGamma(x + 1) - Math.log(x), 13)]);
    }
  });

  it('logGamma stays exact for tiny x, where the direct formula loses digits (and overflows below 1e-16): seeded x from 1e-15 to 1e-3', () => {
    // Γ(x) ≈ 1/x there, so Lanczos' first term 676.5… / x swamps the rest; the reflection reads Γ(1 − x) instead.
    let seed = 1122;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 100; i += 1) {
      const x = 10 ** -(3 + 12 * random());
      expect([x, logGamma(x)]).toEqual([x, expect.closeTo(logGamma(x + 1) - Math.log(x), 13)]);
    }
    // ln Γ(x) = −ln x − γx + O(x²): −ln x to the last digit at 1e-100.
    expect(logGamma(1e-100)).toBeCloseTo(100 * Math.LN10, 12);
  });

  it('throws RangeError for a ≤ 0', () => {
    expect(() => regularizedGammaQ(0, 1)).toThrow(RangeError);
  });
});

describe('the statistics refuse bins that do not line up, naming the function and both lengths', () => {
  it.each<[string, () => unknown, string]>([
    ['psi', () => psi([0.5, 0.5], [1]), 'psi: 2 expected bins but 1 observed'],
    ['ksDistance', () => ksDistance(DECILES, [1, 2]), 'ksDistance: 10 expected bins but 2 observed'],
    ['chiSquareStatistic', () => chiSquareStatistic([0.5, 0.5], [1, 2, 3]), 'chiSquareStatistic: 2 expected bins but 3 observed'],
    ['chiSquarePValue, NaN statistic', () => chiSquarePValue(NaN, 1), 'chiSquarePValue: NaN argument (NaN, 1)'],
    ['chiSquarePValue, NaN degrees of freedom', () => chiSquarePValue(2, NaN), 'chiSquarePValue: NaN argument (2, NaN)'],
    ['regularizedGammaQ, a 0', () => regularizedGammaQ(0, 1), 'regularizedGammaQ: a must be > 0, got 0'],
    ['regularizedGammaQ, a NaN', () => regularizedGammaQ(NaN, 1), 'regularizedGammaQ: a must be > 0, got NaN'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(new RangeError(message));
  });
});
