/**
 * The contract between deploy time (the CDK app) and run time (Lambda handlers, the
 * application client, the CLI). Plain constants and types only: both sides import this
 * module, so it must never import aws-cdk-lib or an AWS SDK client.
 */

/** Cost-allocation tag keys that every taggable resource of every stack carries. */
export const REQUIRED_TAG_KEYS = ['CostCenter', 'Team', 'Project', 'Environment'] as const;
export type RequiredTagKey = (typeof REQUIRED_TAG_KEYS)[number];

/** Extra tag key on per-model resources (model stacks and the SageMaker resources they create). */
export const MODEL_TAG_KEY = 'Model';

/** All five cost tag keys, in the order finance reads them. */
export const COST_TAG_KEYS = [...REQUIRED_TAG_KEYS, MODEL_TAG_KEY] as const;
export type CostTagKey = (typeof COST_TAG_KEYS)[number];

/** The zones of the data lake. Each is its own bucket. */
export const LAKE_ZONES = ['raw', 'curated', 'features', 'artifacts', 'capture'] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Key schema of the model registry table (single-table design). */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic secondary index: lists models, versions by status, and so on. */
  index: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

/** Key schema of the online feature table. */
export const FEATURE_TABLE = {
  partitionKey: 'entityId',
  sortKey: 'featureGroup',
  /** Epoch seconds; DynamoDB deletes the row some time after it. */
  ttlAttribute: 'expiresAt',
} as const;

/** Environment variables the run-time code reads. */
export const ENV = {
  stage: 'GANTRY_STAGE',
  registryTable: 'GANTRY_REGISTRY_TABLE',
  featureTable: 'GANTRY_FEATURE_TABLE',
  artifactsBucket: 'GANTRY_ARTIFACTS_BUCKET',
  featuresBucket: 'GANTRY_FEATURES_BUCKET',
  captureBucket: 'GANTRY_CAPTURE_BUCKET',
} as const;

/** Prefix of every SSM parameter a stage publishes. */
export const PARAMETER_ROOT = '/gantry';

/** Keys (below `/gantry/<stage>/`) of the names the data stack publishes. */
export const PARAMETER_KEYS = {
  registryTable: 'tables/registry',
  featureTable: 'tables/features',
  kmsKeyArn: 'kms/key-arn',
  glueDatabase: 'glue/database',
  bucket: (zone: LakeZone): string => `buckets/${zone}`,
} as const;

/** Full SSM parameter name for a stage and key, e.g. `/gantry/dev/tables/registry`. */
export function parameterName(stage: string, key: string): string {
  return `${PARAMETER_ROOT}/${stage}/${key}`;
}

/** Name of a model's SageMaker endpoint in a stage (the deploy workflow creates it under this name). */
export function endpointName(stage: string, model: string): string {
  return `gantry-${stage}-${model}`;
}

/** What a SageMaker job of the training pipeline does: its name's infix. */
export type JobKind = 'prep' | 'train' | 'neo';

/**
 * The start of a model's SageMaker job names: `gantry-<stage>-<model>-<kind>-`, then a run id.
 * The stage is in the name because several stages may share an account, and the IAM policies
 * grant `<this prefix>*`: the config refuses a model name that is another's plus `-…`, so the
 * prefix of one model never matches another's jobs.
 */
export function jobNamePrefix(stage: string, model: string, kind: JobKind): string {
  return `gantry-${stage}-${model}-${kind}-`;
}

/** Key (below `/gantry/<stage>/`) of a model's serving contract, a JSON `ModelServingContract`. */
export function modelParameterKey(model: string): string {
  return `models/${model}/serving`;
}

/** Key (below `/gantry/<stage>/`) of a model's training state machine ARN, read by `gantry train`. */
export function trainingParameterKeyOf(model: string): string {
  return `models/${model}/training-state-machine`;
}

/** What an application needs to call a model: published by the model's stack as JSON in SSM. */
export interface ModelServingContract {
  readonly model: string;
  readonly endpointName: string;
  readonly contentType: 'text/csv' | 'application/json';
  /** Online features joined for entity ids, in the order the model expects them. */
  readonly features?: { readonly group: string; readonly names: readonly string[] };
}

/** Prefix of the offline feature store inside the features bucket. */
export const OFFLINE_FEATURES_PREFIX = 'offline';

export * from './serving';
