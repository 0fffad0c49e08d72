/** Metric namespace of Gantry's own metrics (drift). Dimensions: Stage, Model (and Feature per feature). */
export const METRICS_NAMESPACE = 'Gantry';

/** Metric names the drift check publishes per window and the serving alarms and dashboard read. */
export const DRIFT_METRICS = {
  /** Largest PSI over the features and the prediction in a window. */
  maxPsi: 'DriftMaxPSI',
  /** Largest KS distance over the numeric features in a window. */
  maxKs: 'DriftMaxKS',
  /** 1 when the window drifted, else 0 (not published for an empty window). */
  drifted: 'DriftDetected',
  records: 'DriftRecords',
  malformed: 'DriftMalformedRecords',
} as const;

/** Per-feature drift metrics, with the dimensions Stage, Model and Feature (the prediction's Feature is `prediction`). */
export const FEATURE_DRIFT_METRICS = {
  /** Every feature and the prediction. */
  psi: 'FeaturePSI',
  /** Numeric features and a numeric prediction only (a categorical's KS is not defined). */
  ks: 'FeatureKS',
} as const;
