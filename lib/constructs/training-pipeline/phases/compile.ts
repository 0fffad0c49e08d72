import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { jobNamePrefix, PIPELINE_ERRORS } from '../../../contract';
import { RETRY, TRANSIENT_SAGEMAKER_SDK_ERRORS } from '../../workflow/steps';
import { jobArn } from '../job-arns';
import { compilationJobRequest, jobNameFormat } from '../requests';
import type { TrainingPhaseContext } from './context';

/** Seconds between DescribeCompilationJob polls. */
export const COMPILE_POLL_SECONDS = 30;

export interface CompilePhaseProps {
  /** How often the compilation job is polled before the run gives up. */
  readonly maxPolls: number;
  /** What runs once the model is compiled: it finds the artifact at `$.compile.artifactUri`. */
  readonly next: sfn.IChainable;
}

/**
 * The compile phase, for models SageMaker Neo compiles for Inferentia. CreateCompilationJob
 * has no .sync integration: start it, then poll DescribeCompilationJob in a bounded Wait loop.
 * FAILED/STOPPED or too many polls take the failure path. Returns its first state.
 */
export function compilePhase(scope: Construct, context: TrainingPhaseContext, props: CompilePhaseProps): sfn.IChainable {
  const { model, at, tags, failure } = context;
  const { maxPolls } = props;
  const featureCount = model.features?.features.length ?? 1;
  const compilationJobs = jobArn(scope, at.stageName, model.name, 'compilation-job');
  const start = new tasks.CallAwsService(scope, 'Compile', {
    service: 'sagemaker',
    action: 'createCompilationJob',
    parameters: compilationJobRequest(model, at, tags, featureCount),
    iamResources: [compilationJobs],
    resultSelector: { 'CompilationJobArn.$': '$.CompilationJobArn' },
    resultPath: '$.compile',
  });
  const startPolling = new sfn.Pass(scope, 'StartCompilePolling', { result: sfn.Result.fromObject({ n: 0 }), resultPath: '$.compilePolls' });
  const wait = new sfn.Wait(scope, 'WaitForCompilation', { time: sfn.WaitTime.duration(Duration.seconds(COMPILE_POLL_SECONDS)) });
  const describe = new tasks.CallAwsService(scope, 'DescribeCompilation', {
    service: 'sagemaker',
    action: 'describeCompilationJob',
    parameters: { 'CompilationJobName.$': jobNameFormat(at, model.name, 'neo') },
    iamResources: [compilationJobs],
    resultSelector: { 'status.$': '$.CompilationJobStatus', 'artifactUri.$': '$.ModelArtifacts.S3ModelArtifacts', 'failureReason.$': '$.FailureReason' },
    resultPath: '$.compileStatus',
  });
  for (const task of [start, describe]) {
    task.addRetry({ ...RETRY, errors: TRANSIENT_SAGEMAKER_SDK_ERRORS });
    failure.catchInto(task);
  }
  const jobName = jobNamePrefix(at.stageName, model.name, 'neo');
  const failedJob = new sfn.Pass(scope, 'CompilationFailed', {
    parameters: {
      Error: PIPELINE_ERRORS.compileFailed,
      'Cause.$': `States.Format('compilation job ${jobName}{} ended {}: {}', $.run.id, $.compileStatus.status, $.compileStatus.failureReason)`,
    },
    resultPath: '$.error',
  });
  const timedOut = new sfn.Pass(scope, 'CompilationTimedOut', {
    parameters: { Error: PIPELINE_ERRORS.compileTimeout, 'Cause.$': `States.Format('compilation job ${jobName}{} still running after ${maxPolls} polls', $.run.id)` },
    resultPath: '$.error',
  });
  failedJob.next(failure.start);
  timedOut.next(failure.start);
  const keepArtifact = new sfn.Pass(scope, 'CompilationDone', { parameters: { 'artifactUri.$': '$.compileStatus.artifactUri' }, resultPath: '$.compile' });
  keepArtifact.next(props.next);
  // The poll counter is an object so one Pass can both read and replace it.
  const bump = new sfn.Pass(scope, 'CountCompilePoll', { parameters: { 'n.$': 'States.MathAdd($.compilePolls.n, 1)' }, resultPath: '$.compilePolls' });
  const decide = new sfn.Choice(scope, 'CompilationStatus')
    .when(sfn.Condition.stringEquals('$.compileStatus.status', 'COMPLETED'), keepArtifact)
    .when(sfn.Condition.or(sfn.Condition.stringEquals('$.compileStatus.status', 'FAILED'), sfn.Condition.stringEquals('$.compileStatus.status', 'STOPPED')), failedJob)
    .when(sfn.Condition.numberGreaterThanEquals('$.compilePolls.n', maxPolls), timedOut)
    .otherwise(bump);
  bump.next(wait);
  return start.next(startPolling).next(wait).next(describe).next(decide);
}
