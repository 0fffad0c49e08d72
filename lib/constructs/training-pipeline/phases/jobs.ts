import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { invokeFunction, OPTIMIZED_SAGEMAKER_RETRY, TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS } from '../../workflow/steps';
import { processingJobRequest, trainingJobRequest } from '../requests';
import type { TrainingPhaseContext } from './context';

export interface TrainingJobsProps {
  /** The shared function that checks the run's data and hyperparameters. */
  readonly validateData: lambda.IFunction;
  /** What runs after training: it finds the job at `$.train`. */
  readonly next: sfn.IChainable;
}

/**
 * The jobs phase: validate the data (`$.data`), preprocess it (SageMaker Processing), train
 * (`$.train`). Returns its first state.
 */
export function trainingJobs(scope: Construct, context: TrainingPhaseContext, props: TrainingJobsProps): sfn.IChainable {
  const { model, at, tags, failure } = context;
  const partition = Stack.of(scope).partition;
  const validate = invokeFunction(
    scope,
    'ValidateData',
    props.validateData,
    { model: model.name, dataUri: sfn.JsonPath.stringAt('$.run.dataUri'), hyperparameters: sfn.JsonPath.objectAt('$.run.hyperparameters') },
    '$.data',
  );
  failure.catchInto(validate);
  const preprocess = new sfn.CustomState(scope, 'Preprocess', {
    stateJson: {
      Type: 'Task',
      // CDK has no task for SageMaker Processing; this is the optimized .sync integration.
      Resource: `arn:${partition}:states:::sagemaker:createProcessingJob.sync`,
      Parameters: processingJobRequest(model, at, tags),
      ResultSelector: { 'ProcessingJobArn.$': '$.ProcessingJobArn' },
      ResultPath: '$.preprocess',
    },
  });
  const train = new sfn.CustomState(scope, 'Train', {
    stateJson: {
      Type: 'Task',
      // SageMakerCreateTrainingJob cannot express managed spot, MaxWaitTimeInSeconds or
      // CheckpointConfig, so the request is written out in full for the .sync integration.
      Resource: `arn:${partition}:states:::sagemaker:createTrainingJob.sync`,
      Parameters: trainingJobRequest(model, at, tags),
      ResultSelector: { 'TrainingJobName.$': '$.TrainingJobName', 'TrainingJobArn.$': '$.TrainingJobArn', 'ModelArtifacts.$': '$.ModelArtifacts' },
      ResultPath: '$.train',
    },
  });
  for (const job of [preprocess, train]) {
    job.addRetry({ ...OPTIMIZED_SAGEMAKER_RETRY, errors: TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS });
    failure.catchInto(job);
  }
  validate.next(preprocess).next(train).next(props.next);
  return validate;
}
