import { Duration } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { RETRY, TRANSIENT_SNS_ERRORS } from '../../workflow/steps';
import type { TrainingPhaseContext } from './context';

export interface ApprovalPhaseProps {
  /** The model's topic: approval requests are published here. */
  readonly topic: sns.ITopic;
  /** Started with the new version once it is approved. @default - no deployment */
  readonly deployStateMachine?: sfn.IStateMachine;
}

/**
 * The approval phase, after registration: wait for a person when `training.approval` is
 * manual, then start the deploy workflow when there is one, and succeed. Returns its first state.
 */
export function approvalPhase(scope: Construct, context: TrainingPhaseContext, props: ApprovalPhaseProps): sfn.IChainable {
  const { model, failure } = context;
  const succeeded = new sfn.Succeed(scope, 'Registered');
  let approved: sfn.IChainable = succeeded;
  if (props.deployStateMachine) {
    // Fire and forget: the deploy workflow records and notifies its own outcome.
    const deploy = new tasks.StepFunctionsStartExecution(scope, 'StartDeploy', {
      stateMachine: props.deployStateMachine,
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      input: sfn.TaskInput.fromObject({
        model: model.name,
        version: sfn.JsonPath.numberAt('$.registered.version'),
        reason: 'serving.autoDeploy: deployed after training',
        requestedBy: sfn.JsonPath.executionId,
      }),
      resultSelector: { 'executionArn.$': '$.ExecutionArn' },
      resultPath: '$.deployment',
    });
    deploy.addRetry({ ...RETRY, errors: ['StepFunctions.SdkClientException', 'StepFunctions.StepFunctionsException', 'SFN.ThrottlingException'] });
    failure.catchInto(deploy);
    approved = deploy.next(succeeded);
  }
  return model.training.approval === 'manual' ? requestApproval(scope, context, props.topic, approved) : approved;
}

/**
 * Waits for a person: publishes the version and a task token to the model's topic, and
 * resumes when `gantry registry approve|reject --task-token` answers. A rejection ends the
 * run as Rejected; no answer within `training.approvalTimeoutHours` takes the failure path.
 */
function requestApproval(scope: Construct, context: TrainingPhaseContext, topic: sns.ITopic, approved: sfn.IChainable): sfn.IChainable {
  const { model, failure } = context;
  const request = new tasks.SnsPublish(scope, 'RequestApproval', {
    topic,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    subject: `Gantry: approve ${model.name}?`,
    message: sfn.TaskInput.fromObject({
      model: model.name,
      version: sfn.JsonPath.numberAt('$.registered.version'),
      metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'),
      gate: sfn.JsonPath.stringAt('$.gate.reason'),
      taskToken: sfn.JsonPath.taskToken,
      approve: sfn.JsonPath.format(`gantry registry approve --model ${model.name} --version {} --task-token {}`, sfn.JsonPath.stringAt('$.registered.version'), sfn.JsonPath.taskToken),
      reject: sfn.JsonPath.format(`gantry registry reject --model ${model.name} --version {} --reason TEXT --task-token {}`, sfn.JsonPath.stringAt('$.registered.version'), sfn.JsonPath.taskToken),
    }),
    taskTimeout: sfn.Timeout.duration(Duration.hours(model.training.approvalTimeoutHours)),
    resultPath: '$.approval',
  });
  request.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
  const rejected = new sfn.Fail(scope, 'Rejected', { error: 'Rejected', causePath: '$.rejection.Cause' });
  request.addCatch(rejected, { errors: ['Rejected'], resultPath: '$.rejection' });
  failure.catchInto(request);
  return request.next(approved);
}
