/**
 * The training pipeline's quality gate (pure: no SDK). A candidate passes when every
 * threshold holds and its primary metric is no worse than the production version's by more
 * than the tolerance. The reason is a sentence with the numbers: it is recorded in the
 * registry's history and read by people deciding why a model did not ship.
 */
import type { GateResult, GateRules } from '../../../lib/contract';

export type Metrics = Readonly<Record<string, number>>;

/** The production version's number and metrics, when the model has one. */
export interface ProductionMetrics {
  readonly version: number;
  readonly metrics: Metrics;
}

/** One check of the gate and what it found. */
export interface GateFinding {
  readonly passed: boolean;
  readonly reason: string;
}

// Metrics pass through JSON, sums and averages: a candidate exactly on a boundary
// (0.775 against 0.78 − 0.005) must not fail on the last bit of a double.
function below(value: number, limit: number): boolean {
  return value < limit - 1e-9 * Math.max(1, Math.abs(value), Math.abs(limit));
}

function above(value: number, limit: number): boolean {
  return below(limit, value);
}

/** Metrics the rules name (thresholds, then the primary metric) that the candidate lacks. */
export function missingMetrics(metrics: Metrics, rules: GateRules): GateFinding[] {
  const named = [...new Set([...Object.keys(rules.thresholds), rules.primaryMetric])];
  return named
    .filter((name) => metrics[name] === undefined)
    .map((name) => ({
      passed: false,
      reason: `${name === rules.primaryMetric ? 'the primary metric ' : ''}${name} is missing from the candidate's metrics`,
    }));
}

/** Every min and max bound of the thresholds, for metrics the candidate has. */
export function checkThresholds(metrics: Metrics, rules: GateRules): GateFinding[] {
  const findings: GateFinding[] = [];
  for (const [name, { min, max }] of Object.entries(rules.thresholds)) {
    const value = metrics[name];
    if (value === undefined) continue;
    if (min !== undefined) {
      findings.push(
        below(value, min)
          ? { passed: false, reason: `${name} ${value} is below the minimum ${min}` }
          : { passed: true, reason: `${name} ${value} meets the minimum ${min}` },
      );
    }
    if (max !== undefined) {
      findings.push(
        above(value, max)
          ? { passed: false, reason: `${name} ${value} is above the maximum ${max}` }
          : { passed: true, reason: `${name} ${value} meets the maximum ${max}` },
      );
    }
  }
  return findings;
}

/**
 * The candidate's primary metric against production's: for `maximize` it must be at least
 * production − tolerance, for `minimize` at most production + tolerance. With nothing to
 * compare with (no production version, or production never recorded the metric) it passes.
 */
export function compareWithProduction(candidate: number, rules: GateRules, production: ProductionMetrics | undefined): GateFinding {
  if (production === undefined) return { passed: true, reason: 'no production version to compare with' };
  const name = rules.primaryMetric;
  const current = production.metrics[name];
  const prod = `production v${production.version}`;
  if (current === undefined) return { passed: true, reason: `${prod} has no ${name} metric to compare with` };
  const { tolerance } = rules;
  if (rules.direction === 'maximize') {
    return below(candidate, current - tolerance)
      ? { passed: false, reason: `${name} ${candidate} is below ${prod}'s ${current} by more than the tolerance ${tolerance}` }
      : { passed: true, reason: `${name} ${candidate} is not below ${prod}'s ${current} by more than the tolerance ${tolerance}` };
  }
  return above(candidate, current + tolerance)
    ? { passed: false, reason: `${name} ${candidate} is above ${prod}'s ${current} by more than the tolerance ${tolerance}` }
    : { passed: true, reason: `${name} ${candidate} is not above ${prod}'s ${current} by more than the tolerance ${tolerance}` };
}

/**
 * The gate's verdict. A failure's reason lists only what failed; a pass's reason lists what
 * was checked. Findings are joined with "; " in a fixed order: missing metrics, thresholds,
 * then production.
 */
export function evaluateGate(metrics: Metrics, rules: GateRules, production?: ProductionMetrics): GateResult {
  const findings = [...missingMetrics(metrics, rules), ...checkThresholds(metrics, rules)];
  const candidate = metrics[rules.primaryMetric];
  if (candidate !== undefined) findings.push(compareWithProduction(candidate, rules, production));
  const failed = findings.filter((finding) => !finding.passed);
  const passed = failed.length === 0;
  return {
    passed,
    reason: (passed ? findings : failed).map((finding) => finding.reason).join('; '),
    ...(production !== undefined ? { productionVersion: production.version } : {}),
  };
}
