import type { ModelConfig } from '../../../config';
import type { JobTags } from '../../training-pipeline/requests';
import { type FailurePath, RETRY, TRANSIENT_SAGEMAKER_SDK_ERRORS } from '../../workflow/steps';
import type { EndpointLocations } from '../requests';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

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
