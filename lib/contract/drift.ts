/**
 * The drift monitor's contract between the model stack (its schedule and its DriftDetected
 * rule, built at deploy time), the shared drift function and the CLI. Plain constants and
 * types only. Its metric names are in `./metrics`.
 */

/**
 * The drift function's input: one check of one model, sent by the model's EventBridge
 * Scheduler schedule (every 15 minutes by default).
 */
export interface DriftCheckEvent {
  readonly model: string;
  /** The model's endpoint: its capture files are under `<endpoint>/<variant>/yyyy/mm/dd/hh/` in the capture bucket. */
  readonly endpointName: string;
  /** Length of the window compared with the baseline, in minutes (1 to 1440); consecutive windows step back by it. */
  readonly windowMinutes: number;
  /** A feature drifts when its PSI, or (numeric features) its KS distance, exceeds these. */
  readonly thresholds: { readonly psi: number; readonly ks: number };
  /** Drifted windows in a row that raise a DriftDetected event (1 to 96). */
  readonly consecutiveWindows: number;
  /**
   * The window to check, ISO 8601 timestamps, `to` exclusive: a rerun or a backfill.
   * @default the `windowMinutes` ending at the last quarter hour before the invocation
   */
  readonly window?: { readonly from: string; readonly to: string };
}

/** Source and detail type of the drift event on the default bus; the model stack's rule matches them and `detail.model`. */
export const DRIFT_EVENT = {
  source: 'gantry.drift',
  detailType: 'DriftDetected',
} as const;

/** The detail of a DriftDetected event: drift held for `consecutiveWindows` windows in a row. */
export interface DriftDetectedDetail {
  readonly model: string;
  readonly stage: string;
  /** The production version whose baseline the traffic drifted from. */
  readonly version: number;
  /** The last window of the streak, ISO timestamps, `to` exclusive. */
  readonly window: { readonly from: string; readonly to: string };
  readonly maxPsi: number;
  readonly maxKs: number;
  /** Names of the drifted features, in the baseline's order, then `prediction` when the model's output drifted. */
  readonly features: readonly string[];
  /** The window's drift report (JSON). */
  readonly reportUri: string;
}

/** Prefix of the drift reports in the artifacts bucket. */
export const DRIFT_REPORTS_PREFIX = 'reports';

/** Key of a window's drift report in the artifacts bucket: `reports/<model>/<windowId>.json`. */
export function driftReportKey(model: string, windowId: string): string {
  return `${DRIFT_REPORTS_PREFIX}/${model}/${windowId}.json`;
}
