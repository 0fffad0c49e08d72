/**
 * Counts a window's capture lines into the baseline's bins and compares them with it. Memory is
 * the baseline's size (a few counters per bin and category) whatever the window's size, so the
 * drift check streams files of any length.
 */
import { binIndex } from '../baseline/statistics';
import type { Baseline, BaselineFeature } from '../../../lib/contract';
import { CaptureDecoder, type CaptureSink, type CaptureWindow } from './capture';
import { chiSquarePValue, chiSquareStatistic, ksDistance, psi } from './statistics';
import { DEFAULT_THRESHOLDS, MALFORMED_REASONS, type DriftReport, type DriftThresholds, type FeatureDrift, type MalformedReason } from './types';

// Bound once: transpiled to CommonJS (tsx, vitest), every use of an imported name goes through
// a getter, and this one runs for every value of every record.
const bin = binIndex;

export interface DriftAccumulatorOptions {
  /** @default DEFAULT_THRESHOLDS (PSI 0.2, KS 0.1) */
  readonly thresholds?: DriftThresholds;
  /** Only records whose inferenceTime lies in [from, to) count. @default every record */
  readonly window?: CaptureWindow;
}

/** A baseline the drift check cannot compare against (its bins and proportions disagree). */
export class InvalidBaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBaselineError';
  }
}

/** A numeric feature's bins: the baseline's edges, its proportions and the window's counts. */
class NumericCounter {
  readonly bins: number[];
  missing = 0;

  constructor(
    readonly index: number,
    readonly feature: BaselineFeature & { kind: 'numeric' },
    readonly edges: readonly number[],
    readonly expected: readonly number[],
  ) {
    this.bins = new Array<number>(expected.length).fill(0);
  }

  add(value: number): void {
    if (value !== value) this.missing += 1;
    else this.bins[bin(this.edges, value)]! += 1;
  }
}

/** A categorical feature's cells: the baseline's categories, then `other`. */
class CategoricalCounter {
  readonly cells: number[];
  readonly slots: ReadonlyMap<string, number>;
  missing = 0;

  constructor(
    readonly index: number,
    readonly feature: BaselineFeature & { kind: 'categorical' },
    readonly expected: readonly number[],
  ) {
    this.slots = new Map(Object.keys(feature.categories).map((category, slot) => [category, slot]));
    this.cells = new Array<number>(expected.length).fill(0);
  }

  add(label: string | undefined): void {
    if (label === undefined) this.missing += 1;
    // A category the training data did not list (or never had) is counted in `other`.
    else this.cells[this.slots.get(label) ?? this.cells.length - 1]! += 1;
  }
}

type Counter = NumericCounter | CategoricalCounter;

/** See the module comment. One accumulator per model and window. */
export class DriftAccumulator implements CaptureSink {
  readonly thresholds: DriftThresholds;
  private readonly window: CaptureWindow | undefined;
  private readonly decoder: CaptureDecoder;
  private readonly numeric: NumericCounter[] = [];
  private readonly categorical: CategoricalCounter[] = [];
  private readonly features: Counter[];
  private readonly prediction: Counter | undefined;
  private readonly malformed: Record<MalformedReason, number>;
  private records = 0;

  /** @throws InvalidBaselineError, RangeError for thresholds or a window out of range */
  constructor(
    readonly baseline: Baseline,
    options: DriftAccumulatorOptions = {},
  ) {
    this.thresholds = validThresholds(options.thresholds ?? DEFAULT_THRESHOLDS);
    this.window = options.window && validWindow(options.window);
    if (!Array.isArray(baseline.features)) throw new InvalidBaselineError('the baseline has no features list');
    this.features = baseline.features.map((feature, index) => counter(feature, index));
    for (const c of this.features) {
      if (c instanceof NumericCounter) this.numeric.push(c);
      else this.categorical.push(c);
    }
    this.prediction = baseline.prediction && counter(baseline.prediction, -1);
    this.malformed = Object.fromEntries(MALFORMED_REASONS.map((reason) => [reason, 0])) as Record<MalformedReason, number>;
    this.decoder = new CaptureDecoder(baseline, this.window);
  }

  /**
   * One raw capture line. Malformed lines (and records) are counted by reason; lines whose
   * eventMetadata.inferenceTime lies outside the window are skipped without a count.
   */
  addLine(line: string): void {
    this.decoder.decode(line, this);
  }

  /** One record already decoded; see `CaptureSink.addRecord`. */
  addRecord(numbers: Float64Array, labels: readonly (string | undefined)[]): void {
    this.records += 1;
    const numeric = this.numeric;
    for (let i = 0; i < numeric.length; i += 1) {
      const c = numeric[i]!;
      c.add(numbers[c.index]!);
    }
    const categorical = this.categorical;
    for (let i = 0; i < categorical.length; i += 1) {
      const c = categorical[i]!;
      c.add(labels[c.index]);
    }
  }

  addPrediction(value: number | string | undefined): void {
    const c = this.prediction;
    if (c instanceof NumericCounter) c.add(typeof value === 'number' ? value : NaN);
    else if (c !== undefined) c.add(typeof value === 'string' ? value : undefined);
  }

  addMalformed(reason: MalformedReason): void {
    this.malformed[reason] += 1;
  }

  /** The window's drift report so far. */
  report(model: string): DriftReport {
    const noData = this.records === 0;
    const features = this.features.map((c) => this.drift(c));
    const prediction = this.prediction && this.drift(this.prediction);
    const all = prediction ? [...features, prediction] : features;
    const malformed: Partial<Record<MalformedReason, number>> = {};
    for (const reason of MALFORMED_REASONS) if (this.malformed[reason] > 0) malformed[reason] = this.malformed[reason];
    return {
      model,
      ...(this.window && { window: { from: this.window.from.toISOString(), to: this.window.to.toISOString() } }),
      records: this.records,
      malformed,
      features,
      ...(prediction && { prediction }),
      maxPsi: Math.max(0, ...all.map((f) => f.psi)),
      maxKs: Math.max(0, ...all.map((f) => f.ks)),
      noData,
      drifted: !noData && all.some((f) => f.drifted),
      thresholds: this.thresholds,
    };
  }

  private drift(c: Counter): FeatureDrift {
    const { name, kind } = c.feature;
    const observed = c instanceof NumericCounter ? c.bins : c.cells;
    const count = observed.reduce((sum, n) => sum + n, 0);
    // Nothing to compare: a window without values (all missing, or no record) never drifts.
    if (count === 0) return { name, kind, count, missing: c.missing, psi: 0, ks: 0, ...(kind === 'categorical' && { pValue: 1 }), drifted: false };
    const proportions = observed.map((n) => n / count);
    const featurePsi = psi(c.expected, proportions);
    if (c instanceof NumericCounter) {
      const ks = ksDistance(c.expected, observed);
      return { name, kind, count, missing: c.missing, psi: featurePsi, ks, drifted: featurePsi > this.thresholds.psi || ks > this.thresholds.ks };
    }
    // The p-value is reported, not used for the verdict: at capture volumes (thousands of
    // records a window) any change, however small, is "significant"; PSI measures its size.
    const pValue = chiSquarePValue(chiSquareStatistic(c.expected, observed), observed.length - 1);
    return { name, kind, count, missing: c.missing, psi: featurePsi, ks: 0, pValue, drifted: featurePsi > this.thresholds.psi };
  }
}

function counter(feature: BaselineFeature, index: number): Counter {
  if (feature.kind === 'numeric') {
    const { binEdges, proportions } = feature;
    // A feature with no value in the training data has no edges: one bin holds everything.
    if (binEdges.length === 0 && proportions.length <= 1) return new NumericCounter(index, feature, [], [1]);
    if (proportions.length !== binEdges.length + 1) throw new InvalidBaselineError(`feature "${feature.name}": ${binEdges.length} bin edges need ${binEdges.length + 1} proportions, got ${proportions.length}`);
    if (binEdges.some((edge) => Number.isNaN(edge))) throw new InvalidBaselineError(`feature "${feature.name}": a bin edge is not a number`);
    return new NumericCounter(index, feature, [...binEdges], [...proportions]);
  }
  if (feature.kind === 'categorical') {
    const expected = [...Object.values(feature.categories), feature.other];
    // No category and no `other` share: the training data had no value; one cell holds everything.
    return new CategoricalCounter(index, feature, expected.some((share) => share > 0) ? expected : expected.map((_, i) => (i === expected.length - 1 ? 1 : 0)));
  }
  throw new InvalidBaselineError(`feature "${(feature as { name?: unknown }).name}": unknown kind "${(feature as { kind?: unknown }).kind}"`);
}

function validThresholds(thresholds: DriftThresholds): DriftThresholds {
  for (const key of ['psi', 'ks'] as const) {
    const value = thresholds[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`thresholds.${key} must be a finite number ≥ 0, got ${value}`);
  }
  return { psi: thresholds.psi, ks: thresholds.ks };
}

function validWindow(window: CaptureWindow): CaptureWindow {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) throw new RangeError(`window must have from < to, got ${String(window.from)} .. ${String(window.to)}`);
  return window;
}
