import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, DriftAccumulator, InvalidBaselineError, MALFORMED_REASONS, type DriftReport, type FeatureDrift } from '../../../../lambdas/core/drift';
import type { Baseline, BaselineFeature } from '../../../../lib/contract';

const DECILE_EDGES = [10, 20, 30, 40, 50, 60, 70, 80, 90];
const age: BaselineFeature = { name: 'age', kind: 'numeric', count: 1000, missing: 0, binEdges: DECILE_EDGES, proportions: new Array<number>(10).fill(0.1) };
const plan: BaselineFeature = { name: 'plan', kind: 'categorical', count: 1000, missing: 0, categories: { basic: 0.5, gold: 0.3 }, other: 0.2 };
const score: BaselineFeature = { name: 'score', kind: 'numeric', count: 1000, missing: 0, binEdges: DECILE_EDGES.map((edge) => edge / 100), proportions: new Array<number>(10).fill(0.1) };

function baseline(features: readonly BaselineFeature[], prediction?: BaselineFeature): Baseline {
  return { formatVersion: 1, model: 'churn', createdAt: '2026-11-01T00:00:00Z', records: 1000, features, ...(prediction && { prediction }) };
}

function line(data: string, inferenceTime = '2026-11-22T10:05:00Z', output?: string): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: Buffer.from(data).toString('base64'), encoding: 'BASE64' },
      ...(output !== undefined && { endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: output, encoding: 'CSV' } }),
    },
    eventMetadata: { eventId: 'e', inferenceTime },
    eventVersion: '0',
  });
}

/** `counts[i]` values in decile bin i: 5, 15, …, 95 are the bins' midpoints. */
function ages(counts: readonly number[]): string[] {
  return counts.flatMap((count, bin) => new Array<string>(count).fill(String(bin * 10 + 5)));
}

function feed(accumulator: DriftAccumulator, rows: readonly string[]): DriftAccumulator {
  for (const row of rows) accumulator.addLine(line(row));
  return accumulator;
}

function feature(report: DriftReport, name: string): FeatureDrift {
  const found = report.features.find((f) => f.name === name);
  if (!found) throw new Error(`no feature ${name}`);
  return found;
}

describe('DriftAccumulator, numeric features', () => {
  it('reports 0 PSI and KS, and no drift, for the baseline distribution', () => {
    const report = feed(new DriftAccumulator(baseline([age])), ages(new Array<number>(10).fill(10))).report('churn');
    expect(feature(report, 'age')).toEqual({ name: 'age', kind: 'numeric', count: 100, missing: 0, psi: 0, ks: expect.closeTo(0, 12), drifted: false });
    expect(report).toMatchObject({ records: 100, noData: false, drifted: false, maxPsi: 0, malformed: {} });
  });

  it('reports the hand-computed PSI and KS of a known shift', () => {
    // 20 values in bins 0 and 1, 10 in bins 2-5, 5 in bins 6-9 (of 100).
    // PSI = 2 · 0.1 · ln 2 + 4 · 0.05 · ln 2 = 0.4 ln 2 ≈ 0.277 > 0.2.
    // KS: window CDF at the edges 0.2 0.4 0.5 0.6 0.7 0.8 0.85 0.9 0.95 against 0.1 … 0.9 → 0.2 > 0.1.
    const report = feed(new DriftAccumulator(baseline([age])), ages([20, 20, 10, 10, 10, 10, 5, 5, 5, 5])).report('churn');
    const drift = feature(report, 'age');
    expect(drift.psi).toBeCloseTo(0.4 * Math.LN2, 12);
    expect(drift.ks).toBeCloseTo(0.2, 12);
    expect(drift.drifted).toBe(true);
    expect(drift.pValue).toBeUndefined();
    expect(report).toMatchObject({ drifted: true, maxPsi: drift.psi, maxKs: drift.ks });
  });

  it('drifts on KS alone, or on PSI alone, by the thresholds', () => {
    const shifted = ages([20, 20, 10, 10, 10, 10, 5, 5, 5, 5]);
    expect(feature(feed(new DriftAccumulator(baseline([age]), { thresholds: { psi: 1, ks: 0.1 } }), shifted).report('m'), 'age').drifted).toBe(true);
    expect(feature(feed(new DriftAccumulator(baseline([age]), { thresholds: { psi: 0.2, ks: 0.5 } }), shifted).report('m'), 'age').drifted).toBe(true);
    expect(feature(feed(new DriftAccumulator(baseline([age]), { thresholds: { psi: 1, ks: 0.5 } }), shifted).report('m'), 'age').drifted).toBe(false);
  });

  it('bins a value on an edge into the bin below, as the baseline does', () => {
    // 10 is the first edge: bins are (lo, hi], so 10 is in bin 0 and the distribution stays the baseline's.
    const rows = ages(new Array<number>(10).fill(10)).map((value) => (value === '5' ? '10' : value));
    expect(feature(feed(new DriftAccumulator(baseline([age])), rows).report('m'), 'age').psi).toBe(0);
  });

  it('counts missing values apart, not in a bin', () => {
    const report = feed(new DriftAccumulator(baseline([age, plan])), [...ages(new Array<number>(10).fill(1)).map((value) => `${value},basic`), ',gold', 'n/a,gold']).report('m');
    expect(feature(report, 'age')).toMatchObject({ count: 10, missing: 2, psi: 0 });
    expect(report.records).toBe(12);
  });

  it('never drifts a feature without a value in the window', () => {
    const report = feed(new DriftAccumulator(baseline([age, plan])), [',basic', ',gold']).report('m');
    expect(feature(report, 'age')).toEqual({ name: 'age', kind: 'numeric', count: 0, missing: 2, psi: 0, ks: 0, drifted: false });
  });

  it('treats a feature the training data had no value for (no edges) as one bin', () => {
    const empty: BaselineFeature = { name: 'empty', kind: 'numeric', count: 0, missing: 1000, binEdges: [], proportions: [] };
    const report = feed(new DriftAccumulator(baseline([empty])), ['1', '1000', '-5']).report('m');
    expect(feature(report, 'empty')).toEqual({ name: 'empty', kind: 'numeric', count: 3, missing: 0, psi: 0, ks: 0, drifted: false });
  });
});

describe('DriftAccumulator, categorical features', () => {
  it('puts a category unseen in training in "other"', () => {
    // basic 50, gold 30 and 20 of a new "platinum": shares 0.5 / 0.3 / 0.2 are the baseline's exactly.
    const rows = [...new Array<string>(50).fill('basic'), ...new Array<string>(30).fill('gold'), ...new Array<string>(20).fill('platinum')];
    const drift = feature(feed(new DriftAccumulator(baseline([plan])), rows).report('m'), 'plan');
    expect(drift).toEqual({ name: 'plan', kind: 'categorical', count: 100, missing: 0, psi: 0, ks: 0, pValue: expect.closeTo(1, 12), drifted: false });
  });

  it('reports the hand-computed PSI and chi-square p-value of a shift', () => {
    // basic 20, gold 30, other 50 against 0.5 / 0.3 / 0.2:
    // PSI = (0.2 − 0.5) ln 0.4 + 0 + (0.5 − 0.2) ln 2.5 = 0.6 ln 2.5 ≈ 0.5498.
    // chi2 = 30²/50 + 0 + 30²/20 = 18 + 45 = 63 with 2 degrees of freedom → p = e^(−63/2).
    const rows = [...new Array<string>(20).fill('basic'), ...new Array<string>(30).fill('gold'), ...new Array<string>(50).fill('silver')];
    const drift = feature(feed(new DriftAccumulator(baseline([plan])), rows).report('m'), 'plan');
    expect(drift.psi).toBeCloseTo(0.6 * Math.log(2.5), 12);
    expect(drift.pValue).toBeCloseTo(Math.exp(-31.5), 20);
    expect(drift.ks).toBe(0);
    expect(drift.drifted).toBe(true);
  });

  it('reports a small shift with its p-value but decides on PSI alone', () => {
    // basic 55, gold 30, other 15: PSI = 0.05 ln 1.1 + 0.05 ln(0.2 / 0.15) ≈ 0.019; chi2 = 25/50 + 25/20 = 1.75 → p = e^(−0.875).
    const rows = [...new Array<string>(55).fill('basic'), ...new Array<string>(30).fill('gold'), ...new Array<string>(15).fill('x')];
    const drift = feature(feed(new DriftAccumulator(baseline([plan])), rows).report('m'), 'plan');
    expect(drift.psi).toBeCloseTo(0.05 * Math.log(1.1) + 0.05 * Math.log(0.2 / 0.15), 12);
    expect(drift.pValue).toBeCloseTo(Math.exp(-0.875), 12);
    expect(drift.drifted).toBe(false);
  });
});

describe('DriftAccumulator, the prediction', () => {
  const model = baseline([age], score);
  const steady = ages(new Array<number>(10).fill(10));

  it('drifts the report when only the predictions drift', () => {
    const accumulator = new DriftAccumulator(model);
    // Every prediction in the top bin (above 0.9): the 9 empty bins give 9 · (1e-4 − 0.1) · ln(1e-4 / 0.1)
    // and the top bin (1 − 0.1) · ln(1 / 0.1): PSI ≈ 6.2108 + 2.0723 = 8.2831; KS = 0.9 at the last edge.
    steady.forEach((row) => accumulator.addLine(line(row, undefined, '0.95')));
    const report = accumulator.report('m');
    expect(feature(report, 'age').drifted).toBe(false);
    expect(report.prediction).toMatchObject({ name: 'score', count: 100, drifted: true, ks: expect.closeTo(0.9, 12) });
    expect(report.prediction!.psi).toBeCloseTo(9 * 0.0999 * Math.log(1000) + 0.9 * Math.log(10), 10);
    expect(report.drifted).toBe(true);
    expect(report.maxKs).toBeCloseTo(0.9, 12);
    expect(report.maxPsi).toBe(report.prediction!.psi);
  });

  it('does not drift on predictions in the baseline distribution', () => {
    const accumulator = new DriftAccumulator(model);
    steady.forEach((row, i) => accumulator.addLine(line(row, undefined, String((i % 10) / 10 + 0.05))));
    expect(accumulator.report('m')).toMatchObject({ drifted: false, prediction: { count: 100, psi: 0, drifted: false } });
  });

  it('counts prediction-mismatch and still counts the features', () => {
    const accumulator = new DriftAccumulator(model);
    accumulator.addLine(line('15\n25', undefined, '0.5'));
    expect(accumulator.report('m')).toMatchObject({ records: 2, malformed: { 'prediction-mismatch': 1 }, prediction: { count: 0 }, features: [{ count: 2 }] });
  });
});

describe('DriftAccumulator, windows and malformed lines', () => {
  const window = { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T10:15:00Z') };

  it('reports an empty window as no data, never as drift', () => {
    const report = new DriftAccumulator(baseline([age, plan], score), { window }).report('churn');
    expect(report).toEqual({
      model: 'churn',
      window: { from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:15:00.000Z' },
      records: 0,
      malformed: {},
      features: [
        { name: 'age', kind: 'numeric', count: 0, missing: 0, psi: 0, ks: 0, drifted: false },
        { name: 'plan', kind: 'categorical', count: 0, missing: 0, psi: 0, ks: 0, pValue: 1, drifted: false },
      ],
      prediction: { name: 'score', kind: 'numeric', count: 0, missing: 0, psi: 0, ks: 0, drifted: false },
      maxPsi: 0,
      maxKs: 0,
      noData: true,
      drifted: false,
      thresholds: DEFAULT_THRESHOLDS,
    });
  });

  it('uses only the records inside the window', () => {
    const accumulator = new DriftAccumulator(baseline([age]), { window });
    // Inside: the baseline distribution. Outside, before and after: values that would drift it.
    for (const row of ages(new Array<number>(10).fill(3))) accumulator.addLine(line(row, '2026-11-22T10:07:30.250Z'));
    for (let i = 0; i < 50; i += 1) {
      accumulator.addLine(line('95', '2026-11-22T09:59:59.999Z'));
      accumulator.addLine(line('95', '2026-11-22T10:15:00Z'));
    }
    const report = accumulator.report('m');
    expect(report).toMatchObject({ records: 30, drifted: false, malformed: {} });
  });

  it('is no data when every record lies outside the window', () => {
    const accumulator = new DriftAccumulator(baseline([age]), { window });
    accumulator.addLine(line('95', '2026-11-21T10:05:00Z'));
    expect(accumulator.report('m')).toMatchObject({ records: 0, noData: true, drifted: false, malformed: {} });
  });

  it('counts each malformed reason under its name and keeps going', () => {
    const accumulator = new DriftAccumulator(baseline([age], score), { window });
    const capture = (input: object, output?: object) => JSON.stringify({ captureData: { endpointInput: input, ...(output && { endpointOutput: output }) }, eventMetadata: { eventId: 'e', inferenceTime: '2026-11-22T10:05:00Z' }, eventVersion: '0' });
    const input = (data: string, encoding = 'CSV', observedContentType = 'text/csv') => ({ observedContentType, mode: 'INPUT', data, encoding });
    const lines: Record<(typeof MALFORMED_REASONS)[number], string> = {
      'not-json': '{"captureData":',
      'missing-field': capture({ observedContentType: 'text/csv', mode: 'INPUT', encoding: 'CSV' }),
      'bad-base64': capture(input('%%%%', 'BASE64')),
      'unknown-encoding': capture(input('15', 'UTF-16')),
      'unsupported-content-type': capture(input('AAAA', 'BASE64', 'image/jpeg')),
      'wrong-column-count': capture(input('15,25')),
      'bad-json-payload': capture(input('{"instances":', 'JSON', 'application/json')),
      'prediction-mismatch': capture(input('15'), { observedContentType: 'text/csv', mode: 'OUTPUT', data: '0.1\n0.2', encoding: 'CSV' }),
    };
    for (const reason of MALFORMED_REASONS) accumulator.addLine(lines[reason]);
    accumulator.addLine(lines['wrong-column-count']);
    accumulator.addLine(line('15'));
    accumulator.addLine('');
    const report = accumulator.report('m');
    expect(report.malformed).toEqual({
      'not-json': 1,
      'missing-field': 1,
      'bad-base64': 1,
      'unknown-encoding': 1,
      'unsupported-content-type': 1,
      'wrong-column-count': 2,
      'bad-json-payload': 1,
      'prediction-mismatch': 1,
    });
    // The prediction-mismatch line's record and the good line count.
    expect(report.records).toBe(2);
  });
});

describe('DriftAccumulator options and baselines', () => {
  it('defaults to PSI 0.2 and KS 0.1 and reports the thresholds used', () => {
    expect(new DriftAccumulator(baseline([age])).report('m').thresholds).toEqual({ psi: 0.2, ks: 0.1 });
    expect(new DriftAccumulator(baseline([age]), { thresholds: { psi: 0.25, ks: 0.2 } }).report('m').thresholds).toEqual({ psi: 0.25, ks: 0.2 });
  });

  it('leaves the window out of the report when none is given', () => {
    expect(new DriftAccumulator(baseline([age])).report('m').window).toBeUndefined();
  });

  it('throws RangeError for a negative threshold or an empty window', () => {
    expect(() => new DriftAccumulator(baseline([age]), { thresholds: { psi: -1, ks: 0.1 } })).toThrow(RangeError);
    expect(() => new DriftAccumulator(baseline([age]), { thresholds: { psi: 0.2, ks: NaN } })).toThrow(RangeError);
    expect(() => new DriftAccumulator(baseline([age]), { window: { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T10:00:00Z') } })).toThrow(RangeError);
  });

  it('throws InvalidBaselineError when edges and proportions disagree', () => {
    const broken: BaselineFeature = { ...age, proportions: [0.5, 0.5] } as BaselineFeature;
    expect(() => new DriftAccumulator(baseline([broken]))).toThrow(InvalidBaselineError);
    expect(() => new DriftAccumulator(baseline([broken]))).toThrow(/feature "age": 9 bin edges need 10 proportions, got 2/);
  });
});

describe('DriftAccumulator refuses options and baselines it cannot compare with, saying why', () => {
  const at = (iso: string) => new Date(iso);
  it.each<[string, () => unknown, RangeError]>([
    ['a negative PSI threshold', () => new DriftAccumulator(baseline([age]), { thresholds: { psi: -1, ks: 0.1 } }), new RangeError('thresholds.psi must be a finite number ≥ 0, got -1')],
    ['a NaN KS threshold', () => new DriftAccumulator(baseline([age]), { thresholds: { psi: 0.2, ks: NaN } }), new RangeError('thresholds.ks must be a finite number ≥ 0, got NaN')],
    ['an infinite KS threshold', () => new DriftAccumulator(baseline([age]), { thresholds: { psi: 0.2, ks: Infinity } }), new RangeError('thresholds.ks must be a finite number ≥ 0, got Infinity')],
    ['a threshold that is no number', () => new DriftAccumulator(baseline([age]), { thresholds: { psi: '0.2' as unknown as number, ks: 0.1 } }), new RangeError('thresholds.psi must be a finite number ≥ 0, got 0.2')],
    ['an empty window', () => new DriftAccumulator(baseline([age]), { window: { from: at('2026-11-22T10:00:00Z'), to: at('2026-11-22T10:00:00Z') } }), new RangeError(`window must have from < to, got ${String(at('2026-11-22T10:00:00Z'))} .. ${String(at('2026-11-22T10:00:00Z'))}`)],
    ['a window ending before it starts', () => new DriftAccumulator(baseline([age]), { window: { from: at('2026-11-22T10:15:00Z'), to: at('2026-11-22T10:00:00Z') } }), new RangeError(`window must have from < to, got ${String(at('2026-11-22T10:15:00Z'))} .. ${String(at('2026-11-22T10:00:00Z'))}`)],
    ['a window starting at an invalid date', () => new DriftAccumulator(baseline([age]), { window: { from: at('nope'), to: at('2026-11-22T10:00:00Z') } }), new RangeError(`window must have from < to, got Invalid Date .. ${String(at('2026-11-22T10:00:00Z'))}`)],
    ['a window ending at an invalid date', () => new DriftAccumulator(baseline([age]), { window: { from: at('2026-11-22T10:00:00Z'), to: at('nope') } }), new RangeError(`window must have from < to, got ${String(at('2026-11-22T10:00:00Z'))} .. Invalid Date`)],
  ])('throws RangeError for %s', (_, call, error) => {
    expect(call).toThrow(error);
  });

  it.each<[string, Partial<Baseline>, string]>([
    ['no features list', { features: undefined as unknown as BaselineFeature[] }, 'the baseline has no features list'],
    ['edges and proportions that disagree', { features: [{ ...age, proportions: [0.5, 0.5] }] }, 'feature "age": 9 bin edges need 10 proportions, got 2'],
    ['no edges but two proportions', { features: [{ ...age, binEdges: [], proportions: [0.5, 0.5] }] }, 'feature "age": 0 bin edges need 1 proportions, got 2'],
    ['a bin edge that is not a number', { features: [{ ...age, binEdges: [10, NaN], proportions: [0.3, 0.3, 0.4] }] }, 'feature "age": a bin edge is not a number'],
    ['a feature of unknown kind', { features: [{ name: 'age', kind: 'ordinal' } as unknown as BaselineFeature] }, 'feature "age": unknown kind "ordinal"'],
    ['a prediction of unknown kind', { prediction: { name: 'score', kind: 'text' } as unknown as BaselineFeature }, 'feature "score": unknown kind "text"'],
  ])('throws InvalidBaselineError for %s', (_, change, message) => {
    const call = () => new DriftAccumulator({ ...baseline([age]), ...change });
    expect(call).toThrow(InvalidBaselineError);
    expect(call).toThrow(message);
    expect(call).toThrow(expect.objectContaining({ name: 'InvalidBaselineError' }));
  });

  it.each([
    ['a zero threshold', { psi: 0, ks: 0 }],
    ['large thresholds', { psi: 5, ks: 1 }],
  ])('accepts %s', (_, thresholds) => {
    expect(new DriftAccumulator(baseline([age]), { thresholds }).report('m').thresholds).toEqual(thresholds);
  });

  it('accepts a one-millisecond window and reports it', () => {
    const window = { from: at('2026-11-22T10:00:00.000Z'), to: at('2026-11-22T10:00:00.001Z') };
    expect(new DriftAccumulator(baseline([age]), { window }).report('m').window).toEqual({ from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:00:00.001Z' });
  });
});

describe('DriftAccumulator, missing categories', () => {
  it('counts an empty categorical cell as missing, not in "other"', () => {
    // 5 basic, 3 gold, 2 unseen: the baseline's 0.5 / 0.3 / 0.2 exactly; the 4 empty cells stay out of the shares.
    const rows = [...new Array<string>(5).fill('15,basic'), ...new Array<string>(3).fill('15,gold'), '15,platinum', '15,silver', ...new Array<string>(4).fill('15,')];
    const drift = feature(feed(new DriftAccumulator(baseline([age, plan])), rows).report('m'), 'plan');
    expect(drift).toEqual({ name: 'plan', kind: 'categorical', count: 10, missing: 4, psi: 0, ks: 0, pValue: expect.closeTo(1, 12), drifted: false });
  });
});

describe('DriftAccumulator drifts only above a threshold, never at it', () => {
  // Two bins split at 50 with half the training data each: exact binary fractions, so PSI and KS come out exact.
  const halves: BaselineFeature = { name: 'age', kind: 'numeric', count: 1000, missing: 0, binEdges: [50], proportions: [0.5, 0.5] };
  const plans = [...new Array<string>(5).fill('basic'), ...new Array<string>(3).fill('gold'), 'x', 'y'];
  it.each<[string, BaselineFeature, string[], { psi: number; ks: number }, Partial<FeatureDrift>]>([
    // Identical distributions give PSI exactly 0 (and KS 0 here).
    ['numeric, PSI 0 at a PSI threshold of 0', halves, ['25', '75'], { psi: 0, ks: 1 }, { psi: 0, ks: 0, drifted: false }],
    ['numeric, PSI above a threshold of 0', halves, ['25', '75', '75'], { psi: 0, ks: 1 }, { drifted: true }],
    // Everything in the top bin: the CDF gap at the edge 50 is 0.5 exactly.
    ['numeric, KS 0.5 at a KS threshold of 0.5', halves, ['75', '75'], { psi: 100, ks: 0.5 }, { ks: 0.5, drifted: false }],
    ['numeric, KS 0.5 above a KS threshold of 0.25', halves, ['75', '75'], { psi: 100, ks: 0.25 }, { ks: 0.5, drifted: true }],
    ['categorical, PSI 0 at a PSI threshold of 0', plan, plans, { psi: 0, ks: 0 }, { psi: 0, drifted: false }],
    ['categorical, PSI above a threshold of 0', plan, [...plans, 'basic'], { psi: 0, ks: 0 }, { drifted: true }],
  ])('%s', (_, drifting, rows, thresholds, expected) => {
    expect(feature(feed(new DriftAccumulator(baseline([drifting]), { thresholds }), rows).report('m'), drifting.name)).toMatchObject(expected);
  });
});

describe('DriftAccumulator, features the training data had no value for', () => {
  // The baseline schema allows no edges with no proportion or a single one; either way one bin holds everything.
  it.each([[[]], [[0]], [[0.5]], [[1]]])('a numeric feature without edges and proportions %j: one bin, no drift', (proportions) => {
    const empty: BaselineFeature = { name: 'empty', kind: 'numeric', count: 0, missing: 1000, binEdges: [], proportions };
    const report = feed(new DriftAccumulator(baseline([empty])), ['1', '1000', '-5']).report('m');
    expect(feature(report, 'empty')).toEqual({ name: 'empty', kind: 'numeric', count: 3, missing: 0, psi: 0, ks: 0, drifted: false });
  });

  const unseen = (categories: Record<string, number>): BaselineFeature => ({ name: 'plan', kind: 'categorical', count: 0, missing: 1000, categories, other: 0 });

  it.each<[string, Record<string, number>, string[], Partial<FeatureDrift>]>([
    // No share anywhere: "other" is given everything, so new values match the baseline.
    ['no category: every value is in "other"', {}, ['basic', 'gold'], { count: 2, psi: 0, pValue: 1, drifted: false }],
    // chi2 = (0 − 2ε)² / 2ε = 2e-4 for the empty category (E = ε · 2), 1 degree of freedom: p = erfc(0.01).
    ['a category of share 0: values outside it are in "other"', { basic: 0 }, ['gold', 'gold'], { count: 2, psi: 0, pValue: expect.closeTo(1 - 0.011283415555849618, 12), drifted: false }],
    // That category keeps its 0 share: (1 − ε) ln(1/ε) for it and for the emptied "other".
    ['a category of share 0: its own values drift', { basic: 0 }, ['basic', 'basic'], { count: 2, psi: expect.closeTo(2 * (1 - 1e-4) * Math.log(1e4), 10), drifted: true }],
  ])('a categorical feature with no shares, %s', (_, categories, rows, expected) => {
    expect(feature(feed(new DriftAccumulator(baseline([unseen(categories)])), rows).report('m'), 'plan')).toMatchObject(expected);
  });
});

describe('DriftAccumulator, a categorical prediction', () => {
  const churned: BaselineFeature = { name: 'churned', kind: 'categorical', count: 1000, missing: 0, categories: { yes: 0.25, no: 0.75 }, other: 0 };
  const model = baseline([age], churned);

  it('counts the predicted labels into the baseline\'s categories', () => {
    const accumulator = new DriftAccumulator(model);
    ['yes', 'no', 'no', 'no'].forEach((label) => accumulator.addLine(line('15', undefined, label)));
    // The baseline's shares exactly; "other" (share 0, raised to ε) adds chi2 = (0 − 4ε)² / 4ε = 4e-4 with 2 degrees of freedom: p = e^(−2e-4).
    expect(accumulator.report('m').prediction).toEqual({ name: 'churned', kind: 'categorical', count: 4, missing: 0, psi: 0, ks: 0, pValue: expect.closeTo(Math.exp(-2e-4), 12), drifted: false });
  });

  it('drifts on labels away from the baseline\'s shares', () => {
    const accumulator = new DriftAccumulator(model);
    ['yes', 'yes', 'yes', 'no'].forEach((label) => accumulator.addLine(line('15', undefined, label)));
    // 0.75 yes against 0.25: (0.75 − 0.25) ln 3 + (0.25 − 0.75) ln(1/3) = ln 3; "other" is 0 on both sides.
    expect(accumulator.report('m').prediction).toMatchObject({ count: 4, psi: expect.closeTo(Math.log(3), 12), drifted: true });
  });
});

describe('DriftAccumulator.addPrediction, the CaptureSink side', () => {
  const churned: BaselineFeature = { name: 'churned', kind: 'categorical', count: 1000, missing: 0, categories: { yes: 0.5, no: 0.5 }, other: 0 };

  // CaptureSink's contract: a number for a numeric prediction, a label for a categorical one. A
  // value of the other kind cannot be binned (or labelled) as the baseline was, so it is missing.
  it.each<[string, BaselineFeature, number | string | undefined, Partial<FeatureDrift>]>([
    ['a number for a numeric prediction', score, 0.55, { count: 1, missing: 0 }],
    ['NaN for a numeric prediction', score, NaN, { count: 0, missing: 1 }],
    ['a label for a numeric prediction', score, '0.55', { count: 0, missing: 1 }],
    ['a label for a categorical prediction', churned, 'yes', { count: 1, missing: 0 }],
    ['undefined for a categorical prediction', churned, undefined, { count: 0, missing: 1 }],
    ['a number for a categorical prediction', churned, 1, { count: 0, missing: 1 }],
  ])('%s', (_, prediction, value, expected) => {
    const accumulator = new DriftAccumulator(baseline([age], prediction));
    accumulator.addPrediction(value);
    expect(accumulator.report('m').prediction).toMatchObject(expected);
  });

  it('ignores a prediction when the baseline has none to compare it with', () => {
    const accumulator = new DriftAccumulator(baseline([age]));
    accumulator.addPrediction(0.5);
    accumulator.addPrediction('yes');
    expect(accumulator.report('m')).not.toHaveProperty('prediction');
  });
});
