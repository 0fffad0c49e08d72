/**
 * The drift statistics, on plain arrays: PSI, the KS distance at the baseline's bin edges, and
 * the chi-square goodness-of-fit test with its p-value. No I/O, no allocation beyond a result.
 */

/**
 * Proportions below this are raised to it before PSI takes their logarithm, so an empty bin on
 * either side gives a large but finite term instead of an infinite one.
 */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index of two distributions over the same bins, given as proportions:
 * Σ (o − e) · ln(o / e), with every proportion below `epsilon` raised to `epsilon`.
 * Identical distributions give exactly 0; every term is ≥ 0. @throws RangeError when the lengths differ
 */
export function psi(expected: readonly number[], observed: readonly number[], epsilon = PSI_EPSILON): number {
  sameLength('psi', expected, observed);
  let sum = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const e = Math.max(expected[i]!, epsilon);
    const o = Math.max(observed[i]!, epsilon);
    sum += (o - e) * Math.log(o / e);
  }
  return sum;
}

/**
 * Kolmogorov–Smirnov (L∞) distance between a baseline, given as bin proportions, and a window,
 * given as counts over the same bins: the largest |CDF_baseline − CDF_window| at the bin edges,
 * the only points where the baseline's CDF is known. 0 when the window holds no value.
 * @throws RangeError when the lengths differ
 */
export function ksDistance(expectedProportions: readonly number[], observedCounts: readonly number[]): number {
  sameLength('ksDistance', expectedProportions, observedCounts);
  let total = 0;
  for (const count of observedCounts) total += count;
  if (total === 0) return 0;
  let expected = 0;
  let observed = 0;
  let max = 0;
  // The last bin's upper edge is +∞, where both CDFs are 1.
  for (let i = 0; i < expectedProportions.length - 1; i += 1) {
    expected += expectedProportions[i]!;
    observed += observedCounts[i]!;
    max = Math.max(max, Math.abs(expected - observed / total));
  }
  return max;
}

/**
 * Pearson's chi-square statistic of observed counts against expected shares:
 * Σ (O − E)² / E with E = share · n. A share below `epsilon` is raised to it, so a category the
 * baseline never saw weighs heavily instead of dividing by zero.
 * @throws RangeError when the lengths differ
 */
export function chiSquareStatistic(expectedShares: readonly number[], observedCounts: readonly number[], epsilon = PSI_EPSILON): number {
  sameLength('chiSquareStatistic', expectedShares, observedCounts);
  let total = 0;
  for (const count of observedCounts) total += count;
  let statistic = 0;
  for (let i = 0; i < expectedShares.length; i += 1) {
    const expected = Math.max(expectedShares[i]!, epsilon) * total;
    const difference = observedCounts[i]! - expected;
    statistic += (difference * difference) / expected;
  }
  return statistic;
}

/**
 * P(X ≥ statistic) for X chi-square distributed with `degreesOfFreedom`: the regularized upper
 * incomplete gamma function Q(df/2, statistic/2). 1 for a statistic ≤ 0 or no degree of freedom.
 */
export function chiSquarePValue(statistic: number, degreesOfFreedom: number): number {
  if (Number.isNaN(statistic) || Number.isNaN(degreesOfFreedom)) throw new RangeError(`chiSquarePValue: NaN argument (${statistic}, ${degreesOfFreedom})`);
  if (degreesOfFreedom <= 0 || statistic <= 0) return 1;
  return regularizedGammaQ(degreesOfFreedom / 2, statistic / 2);
}

const MAX_ITERATIONS = 10_000;
const PRECISION = 1e-15;
const TINY = 1e-300;

/**
 * Q(a, x) = Γ(a, x) / Γ(a): the power series of P = 1 − Q where it converges fast (x < a + 1),
 * else Lentz's continued fraction for Q (Numerical Recipes §6.2). Both stop at a relative
 * change below 1e-15, far under the 1e-6 the drift report needs.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`regularizedGammaQ: a must be > 0, got ${a}`);
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n += 1) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * PRECISION) break;
    }
    return Math.min(1, Math.max(0, 1 - sum * Math.exp(logPrefix)));
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < PRECISION) break;
  }
  return Math.min(1, Math.max(0, Math.exp(logPrefix) * h));
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: relative error about 1e-15). */
export function logGamma(x: number): number {
  // Reflection keeps the approximation in its accurate range.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i += 1) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function sameLength(name: string, a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`${name}: ${a.length} expected bins but ${b.length} observed`);
}
