/**
 * Event shapes between the training pipeline (a Step Functions state machine, built at deploy
 * time) and the shared Lambda functions it invokes (run time). Plain types only.
 */

/**
 * The areas of the artifacts bucket, each with one folder per model: `<area>/<model>/…`.
 * SageMaker roles are granted their own model's folders only; a model name cannot contain
 * `/`, so one model's prefix never reaches another's.
 */
export const ARTIFACT_AREAS = {
  /** Preprocessed data per execution (Processing writes, training reads). */
  runs: 'runs',
  /** Training output: `models/<model>/<training job>/output/model.tar.gz`. */
  models: 'models',
  /** Spot training checkpoints per execution. */
  checkpoints: 'checkpoints',
  /** Neo-compiled models per run. */
  compiled: 'compiled',
  /** Drift baselines per run (written by the baseline function). */
  baselines: 'baselines',
} as const;
export type ArtifactArea = keyof typeof ARTIFACT_AREAS;

/** `<area>/<model>/`: a model's folder in an area of the artifacts bucket. */
export function artifactPrefix(area: ArtifactArea, model: string): string {
  return `${ARTIFACT_AREAS[area]}/${model}/`;
}

/** The input of a training execution. */
export interface TrainingInput {
  /** Training data: an S3 object or prefix. @default s3://<curated bucket>/<model>/ */
  readonly dataUri?: string;
  /** Overrides of the configured hyperparameters. */
  readonly hyperparameters?: Readonly<Record<string, string>>;
  readonly reason: 'schedule' | 'new-data' | 'drift' | 'manual';
}

/** An S3 object used as training input, pinned for lineage. */
export interface DataInputRef {
  readonly uri: string;
  readonly versionId?: string;
  readonly etag?: string;
}

/** validate-data: the data must exist and be non-empty, and the hyperparameters must suit SageMaker. */
export interface ValidateDataEvent {
  readonly model: string;
  readonly dataUri: string;
  /** The configured hyperparameters merged with the execution's overrides, as JSON values. */
  readonly hyperparameters?: Readonly<Record<string, unknown>>;
}
export interface ValidateDataResult {
  /** The hyperparameters as SageMaker takes them: every value a string. */
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly dataUri: string;
  readonly objects: number;
  readonly bytes: number;
  /** At most 100 objects, for lineage; `truncated` says when there were more. */
  readonly dataInputs: readonly DataInputRef[];
  readonly truncated: boolean;
}

/** evaluate: reads `evaluation.json` from the training job's output.tar.gz. */
export interface EvaluateEvent {
  readonly model: string;
  /** s3://…/output/output.tar.gz of the training job. */
  readonly outputUri: string;
}
export interface EvaluateResult {
  readonly metrics: Readonly<Record<string, number>>;
}

/** The quality gate's rules, from the model's config. */
export interface GateRules {
  readonly primaryMetric: string;
  readonly direction: 'maximize' | 'minimize';
  readonly tolerance: number;
  readonly thresholds: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
}

/** gate: candidate metrics against the thresholds and the production version's metrics. */
export interface GateEvent {
  readonly model: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly gate: GateRules;
}
export interface GateResult {
  readonly passed: boolean;
  /** Why it passed or failed, in words (recorded in the registry on failure). */
  readonly reason: string;
  readonly productionVersion?: number;
}

/** record-event: appends a failure to the model's registry history. */
export interface RecordEventEvent {
  readonly model: string;
  readonly type: 'Failed' | 'GateFailed';
  readonly reason: string;
  /** The execution ARN (the actor). */
  readonly executionArn: string;
  readonly error?: string;
  readonly cause?: string;
  readonly version?: number;
}

/** baseline: streams the training data (and the model's predictions) into baseline statistics. */
export interface BaselineEvent {
  readonly model: string;
  /** Training data: a CSV (header row) or JSON Lines object, or a prefix of them. */
  readonly dataUri: string;
  /** The training job's output.tar.gz; its `predictions.csv` gives the prediction block. */
  readonly outputUri?: string;
  /** Where to write the baseline JSON. */
  readonly baselineUri: string;
  /** Features in the order the endpoint receives them, with their kinds. @default inferred from the data's header */
  readonly features?: readonly { readonly name: string; readonly kind: 'numeric' | 'categorical' }[];
  /** Column holding the label, left out of the features. @default 'label' */
  readonly labelColumn?: string;
}
export interface BaselineResult {
  readonly baselineUri: string;
  readonly records: number;
  readonly features: number;
}

/** Version of the baseline JSON format below. */
export const BASELINE_FORMAT_VERSION = 1;

/** Statistics of one feature (or of the model output) in a baseline. */
export type BaselineFeature =
  | {
      readonly name: string;
      readonly kind: 'numeric';
      readonly count: number;
      readonly missing: number;
      /**
       * Deciles of the training data: 9 inner edges. Bin i holds values in (edge[i-1], edge[i]],
       * the first bin is open below (-inf, edge[0]] and the last open above (edge[8], +inf).
       */
      readonly binEdges: readonly number[];
      /** Proportion of non-missing values in each of the 10 bins; sums to 1. */
      readonly proportions: readonly number[];
    }
  | {
      readonly name: string;
      readonly kind: 'categorical';
      readonly count: number;
      readonly missing: number;
      /** Proportion of each of the most frequent categories (at most 50). */
      readonly categories: Readonly<Record<string, number>>;
      /** Proportion of every other category; unseen categories at drift time land here too. */
      readonly other: number;
    };

/** The baseline JSON written to artifacts/ and read by the drift monitor. */
export interface Baseline {
  readonly formatVersion: typeof BASELINE_FORMAT_VERSION;
  readonly model: string;
  readonly createdAt: string;
  readonly records: number;
  /** In the order the endpoint receives them (CSV column order). */
  readonly features: readonly BaselineFeature[];
  /** The model output's statistics, from the training job's predictions. */
  readonly prediction?: BaselineFeature;
}

/** Error names the pipeline's Catch and Fail states rely on. */
export const PIPELINE_ERRORS = {
  dataNotFound: 'DataNotFoundError',
  dataEmpty: 'EmptyDataError',
  invalidHyperparameters: 'InvalidHyperparametersError',
  gateFailed: 'GateFailed',
  compileFailed: 'CompilationFailed',
  compileTimeout: 'CompilationTimeout',
} as const;
