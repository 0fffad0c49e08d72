/**
 * Actual spend beside the estimate (`gantry cost actual`): per value of each cost tag, what Cost
 * Explorer recorded in a period and the expected monthly estimate prorated to it.
 */
import { COST_TAG_KEYS, type CostTagKey } from '../contract';
import type { ActualSpend } from './actual-spend';
import { formatUsd } from './format';
import { UNTAGGED, type CostEstimate } from './types';
import { DAYS_PER_MONTH, MS_PER_DAY } from './units';

/** Half a cent: amounts below it show as $0.00, and count as no cost. */
const NO_COST_USD = 0.005;

/** One tag value: what Cost Explorer recorded beside what the estimate expects for the period. */
export interface SpendRow {
  readonly tag: CostTagKey;
  readonly value: string;
  readonly actualUsd: number;
  /** The expected monthly estimate prorated to the period. */
  readonly estimatedUsd: number;
  /** actual − estimated. */
  readonly differenceUsd: number;
  /** actual / estimated; null when less than a cent is estimated. */
  readonly ratio: number | null;
  /** Set when only one side has cost (a cent or more) for the value. */
  readonly onlyIn?: 'actual' | 'estimate';
}

/** A stage's actual spend in a period beside its estimate. */
export interface SpendComparison {
  readonly stage: string;
  readonly environment: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** days / (365/12), to 4 decimals. */
  readonly monthFraction: number;
  /** Cost Explorer marks part of the period as estimated: its figures may still change. */
  readonly partial: boolean;
  readonly pricesRetrieved: string;
  /** Full precision; `spendComparisonJson` and `renderSpendComparison` round. */
  readonly rows: readonly SpendRow[];
}

/** Days from one YYYY-MM-DD date to another (UTC). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/** Compares the spend Cost Explorer recorded for the stage's environment in [from, to) with the stage's estimate. */
export function compareSpend(input: {
  readonly estimate: CostEstimate;
  readonly environment: string;
  readonly from: string;
  readonly to: string;
  readonly spend: { readonly byTag: ActualSpend; readonly estimated: boolean };
}): SpendComparison {
  const days = daysBetween(input.from, input.to);
  return {
    stage: input.estimate.stage,
    environment: input.environment,
    from: input.from,
    to: input.to,
    days,
    monthFraction: round(days / DAYS_PER_MONTH, 4),
    partial: input.spend.estimated,
    pricesRetrieved: input.estimate.pricesRetrieved,
    rows: lineUp(input.spend.byTag, input.estimate, days),
  };
}

/**
 * Lines actual spend up with the estimate, per value of each cost tag: the estimate's expected
 * monthly cost prorated to `days` (days / (365/12) of a month). A value with cost on one side
 * only is listed with zero on the other; a value with no cost on either side is left out.
 */
export function lineUp(actualByTag: ActualSpend, estimate: CostEstimate, days: number): SpendRow[] {
  const fraction = days / DAYS_PER_MONTH;
  const rows: SpendRow[] = [];
  for (const tag of COST_TAG_KEYS) {
    const actualValues = actualByTag.get(tag) ?? new Map<string, number>();
    const estimated = new Map(estimate.byTag.filter((t) => t.tag === tag).map((t) => [t.value, t.expectedUsd * fraction]));
    const names = [...new Set([...actualValues.keys(), ...estimated.keys()])].sort(byValue);
    for (const value of names) {
      const actualUsd = actualValues.get(value) ?? 0;
      const estimatedUsd = estimated.get(value) ?? 0;
      const hasActual = Math.abs(actualUsd) >= NO_COST_USD;
      const hasEstimate = estimatedUsd >= NO_COST_USD;
      if (!hasActual && !hasEstimate) continue;
      const onlyIn = !hasEstimate ? 'actual' : !hasActual ? 'estimate' : undefined;
      rows.push({ tag, value, actualUsd, estimatedUsd, differenceUsd: actualUsd - estimatedUsd, ratio: hasEstimate ? actualUsd / estimatedUsd : null, ...(onlyIn === undefined ? {} : { onlyIn }) });
    }
  }
  return rows;
}

/** Tag values alphabetically, `(untagged)` last. */
function byValue(a: string, b: string): number {
  return Number(a === UNTAGGED) - Number(b === UNTAGGED) || a.localeCompare(b);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The comparison for tools (`--json`): amounts to cents, ratios to 2 decimals. */
export function spendComparisonJson(c: SpendComparison): SpendComparison {
  return {
    ...c,
    rows: c.rows.map((r) => ({ ...r, actualUsd: round(r.actualUsd, 2), estimatedUsd: round(r.estimatedUsd, 2), differenceUsd: round(r.differenceUsd, 2), ratio: r.ratio === null ? null : round(r.ratio, 2) })),
  };
}

/** The comparison for people: a heading, the caveats that apply, and one row per tag value. */
export function renderSpendComparison(c: SpendComparison): string {
  const lines = [
    `${c.stage}: Cost Explorer (Environment=${c.environment}, unblended) from ${c.from} to ${c.to} (excluded), ${c.days} days, beside the expected estimate × ${c.monthFraction} (${c.days} / ${DAYS_PER_MONTH.toFixed(2)} days; prices retrieved ${c.pricesRetrieved})`,
  ];
  if (c.partial) lines.push('Cost Explorer marks part of the period as estimated: its figures may still change.');
  const recorded = c.rows.some((r) => r.onlyIn !== 'estimate');
  if (!recorded) {
    lines.push(
      `Cost Explorer recorded no cost tagged Environment=${c.environment} in the period: are the cost-allocation tags activated in the payer account (npm start prints how)? Its data also lags about 24 h.`,
    );
  }
  lines.push('');
  const header = ['tag', 'value', 'actual', 'estimate', 'difference', 'ratio', ''];
  const cells = c.rows.map((r) => [
    r.tag,
    r.value,
    formatUsd(r.actualUsd, { grouping: false }),
    formatUsd(r.estimatedUsd, { grouping: false }),
    formatUsd(r.differenceUsd, { grouping: false, signed: true }),
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.onlyIn === 'actual' ? 'not in the estimate' : r.onlyIn === 'estimate' ? 'none in Cost Explorer' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  // Tags and values read left to right; amounts line up on the right.
  const format = (row: readonly string[]): string => row.map((cell, i) => (i < 2 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(format(header), ...cells.map(format));
  return lines.join('\n');
}
