import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type JobKind, jobNamePrefix } from '../../contract';

/** The SageMaker resource type of each kind of job, with its name infix. */
export const JOB_KINDS = { 'processing-job': 'prep', 'training-job': 'train', 'compilation-job': 'neo' } as const satisfies Record<string, JobKind>;

/** A SageMaker job resource type of the pipeline. */
export type JobResourceType = keyof typeof JOB_KINDS;

/** The ARN pattern of one model's jobs of one kind: their names are generated per run, so it ends in `*`. */
export function jobArn(scope: IConstruct, stageName: string, model: string, kind: JobResourceType): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${kind}/${jobNamePrefix(stageName, model, JOB_KINDS[kind])}*`;
}
