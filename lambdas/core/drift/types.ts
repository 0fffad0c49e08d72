/**
 * The drift monitor's pure core: types shared by the capture parser, the statistics, the
 * drift Lambda and `gantry drift`. No SDK here.
 *
 * Flow: each SageMaker data-capture line (JSON) → `parseCaptureLine` → records of feature
 * values (in the baseline's feature order) and predictions → `DriftAccumulator.add*` →
 * `DriftAccumulator.report()`.
 */
import type { Baseline } from '../../../lib/contract';

/** Why a capture line (or a record in it) was skipped. Counted per reason, never fatal. */
export const MALFORMED_REASONS = [
  /** The line is not JSON, or not an object. */
  'not-json',
  /** captureData.endpointInput (or its data, encoding, observedContentType) is missing or of the wrong type. */
  'missing-field',
  /** encoding BASE64 whose data does not decode. */
  'bad-base64',
  /** An encoding other than CSV, JSON, BASE64. */
  'unknown-encoding',
  /** A content type that is neither CSV nor JSON. */
  'unsupported-content-type',
  /** A CSV row (or JSON array row) with another number of values than the baseline has features. */
  'wrong-column-count',
  /** A JSON payload that does not parse, or has no recognisable instances. */
  'bad-json-payload',
  /** The output's predictions do not line up one-to-one with the input's records (the features still count). */
  'prediction-mismatch',
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export interface DriftThresholds {
  /** A feature drifts when its PSI exceeds this. @default 0.2 */
  readonly psi: number;
  /** A numeric feature drifts when its KS distance exceeds this. @default 0.1 */
  readonly ks: number;
}

export const DEFAULT_THRESHOLDS: DriftThresholds = { psi: 0.2, ks: 0.1 };

/** One feature's (or the prediction's) drift in a window. */
export interface FeatureDrift {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Values seen (missing ones excluded). */
  readonly count: number;
  readonly missing: number;
  readonly psi: number;
  /** Largest distance between the baseline's and the window's CDF at the baseline's bin edges (numeric only; 0 for categoricals). */
  readonly ks: number;
  /** Chi-square goodness-of-fit p-value against the baseline's category shares (categoricals only). */
  readonly pValue?: number;
  readonly drifted: boolean;
}

/** The drift report of one window: what `gantry drift check --json` prints and the Lambda stores. */
export interface DriftReport {
  readonly model: string;
  /** The window, ISO timestamps, `to` exclusive (absent when the CLI reads everything). */
  readonly window?: { readonly from: string; readonly to: string };
  /** Records used (each instance of a batch is a record). */
  readonly records: number;
  readonly malformed: Readonly<Partial<Record<MalformedReason, number>>>;
  readonly features: readonly FeatureDrift[];
  readonly prediction?: FeatureDrift;
  readonly maxPsi: number;
  readonly maxKs: number;
  /** No record in the window: nothing is compared and nothing drifts. */
  readonly noData: boolean;
  readonly drifted: boolean;
  readonly thresholds: DriftThresholds;
}

/**
 * The API the core module (`lambdas/core/drift/`) provides. Implementations live beside this
 * file; the Lambda and the CLI use only these names:
 *
 *   class DriftAccumulator {
 *     constructor(baseline: Baseline, options?: { thresholds?: DriftThresholds; window?: { from: Date; to: Date } })
 *     // One raw capture line. Counts malformed lines by reason; skips records whose
 *     // eventMetadata.inferenceTime lies outside the window (not malformed).
 *     addLine(line: string): void
 *     report(model: string): DriftReport
 *   }
 *   // Pure statistics, exported for tests and reuse:
 *   function psi(expected: readonly number[], observed: readonly number[], epsilon?: number): number
 *   function ksDistance(expectedProportions: readonly number[], observedCounts: readonly number[]): number
 *   function chiSquarePValue(statistic: number, degreesOfFreedom: number): number
 *   // Consecutive windows: true when `current` drifted and so did the `previous` (newest first)
 *   // windows, for `n` in a row in total, and the streak reaches n exactly now.
 *   function driftPersists(current: DriftReport, previous: readonly (DriftReport | undefined)[], n: number): boolean
 *   // Window helpers: the window ending at the last quarter hour at least CAPTURE_SETTLE_MINUTES
 *   // before `now`, its id for report keys (e.g. 2026-11-22T10-15Z), and the capture hour prefixes
 *   // `<endpoint>/<variant>/yyyy/mm/dd/hh/` its records can be under (late flushes included).
 *   function windowEndingBefore(now: Date, minutes: number, settleMinutes?: number): { from: Date; to: Date }
 *   function windowId(window: { from: Date }): string
 *   function captureHourPrefixes(endpoint: string, variant: string, window: { from: Date; to: Date }, lateMinutes?: number): string[]
 */
export type { Baseline };
