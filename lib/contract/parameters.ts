import type { LakeZone } from './lake';

/** Prefix of every SSM parameter a stage publishes. */
export const PARAMETER_ROOT = '/gantry';

/**
 * Keys, below `/gantry/<stage>/`, of the SSM parameters a stage publishes: the data stack's
 * names, and per model its serving contract and state machines. Every key is `<kind>/<name>`.
 */
export const PARAMETER_KEYS = {
  registryTable: 'tables/registry',
  featureTable: 'tables/features',
  kmsKeyArn: 'kms/key-arn',
  glueDatabase: 'glue/database',
  bucket: (zone: LakeZone): string => `buckets/${zone}`,
  /** A model's serving contract, a JSON `ModelServingContract`, read by the application client. */
  modelServing: (model: string): string => `models/${model}/serving`,
  /** A model's training state machine ARN, read by `gantry train`. */
  trainingWorkflow: (model: string): string => `models/${model}/training-state-machine`,
  /** A model's deploy state machine ARN, read by `gantry deploy|rollback`. */
  deployWorkflow: (model: string): string => `models/${model}/deploy-state-machine`,
} as const;

/** Full SSM parameter name for a stage and key, e.g. `/gantry/dev/tables/registry`. */
export function parameterName(stage: string, key: string): string {
  return `${PARAMETER_ROOT}/${stage}/${key}`;
}
