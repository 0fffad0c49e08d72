import type { ModelConfig } from '../../../config';
import type { JobTags } from '../../training-pipeline/requests';
import { type FailurePath, RETRY, TRANSIENT_SAGEMAKER_SDK_ERRORS } from '../../workflow/steps';
import type { EndpointLocations } from '../requests';
import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** What every phase of the deploy workflow builds from. */
export interface DeployPhaseContext {
  /** The model the workflow deploys. */
  readonly model: ModelConfig;
  /** Where the endpoint lives and what it runs as. */
  readonly at: EndpointLocations;
  /** The tags of every SageMaker resource the workflow creates. */
  readonly tags: JobTags;
  /** Where a task's errors go after its retries. */
  readonly failure: FailurePath;
}

/** Retries a SageMaker SDK call's transient errors, and sends the rest down the failure path. */
export function catchSageMakerErrors(state: sfn.TaskStateBase | sfn.CustomState, failure: FailurePath): void {
  state.addRetry({ ...RETRY, errors: TRANSIENT_SAGEMAKER_SDK_ERRORS });
  failure.catchInto(state);
}

/**
 * A SageMaker call through the AWS SDK integration, not the optimized `sagemaker:` one: Step
 * Functions validates an optimized integration's fields against its own list when the state
 * machine is created, and DataCaptureConfig, DeploymentConfig and RetainAllVariantProperties
 * are not on it (lib/constructs/workflow/sagemaker-optimized-parameters.ts). None of these
 * calls needs `.sync`.
 */
export function sagemakerTask(scope: Construct, context: Pick<DeployPhaseContext, 'failure'>, stateId: string, action: string, parameters: Record<string, unknown>): sfn.CustomState {
  const state = new sfn.CustomState(scope, stateId, {
    stateJson: { Type: 'Task', Resource: `arn:${Stack.of(scope).partition}:states:::aws-sdk:sagemaker:${action}`, Parameters: parameters, ResultPath: null },
  });
  catchSageMakerErrors(state, context.failure);
  return state;
}

/** A state that sends the execution down the failure path with `error` and a cause built by the intrinsic `cause`. */
export function failWith(scope: Construct, failure: FailurePath, stateId: string, error: string, cause: string): sfn.Pass {
  const pass = new sfn.Pass(scope, stateId, { parameters: { Error: error, 'Cause.$': cause }, resultPath: '$.error' });
  pass.next(failure.start);
  return pass;
}
