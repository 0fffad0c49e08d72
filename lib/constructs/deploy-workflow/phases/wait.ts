import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { DEPLOY_ERRORS } from '../../../contract';
import { catchSageMakerErrors, failWith, type DeployPhaseContext } from './context';

export interface WaitPhaseProps {
  /** Seconds between DescribeEndpoint polls. */
  readonly pollSeconds: number;
  /**
   * Builds what runs once the endpoint serves the planned version. Called after the wait's
   * own states are caught into the failure path, so the definition keeps its state order.
   */
  readonly inService: () => sfn.IChainable;
}

/** How many polls fit in the deployment's timeout (`serving.deployment.timeoutMinutes`). */
export function maxEndpointPolls(timeoutMinutes: number, pollSeconds: number): number {
  return Math.ceil((timeoutMinutes * 60) / pollSeconds);
}

/**
 * The wait phase: poll DescribeEndpoint in a bounded loop until the endpoint is InService on
 * the planned config. InService on another config means the guardrails rolled back; Failed,
 * UpdateRollbackFailed or the timeout take the failure path. Returns its first state.
 */
export function waitPhase(scope: Construct, context: DeployPhaseContext, props: WaitPhaseProps): sfn.IChainable {
  const { model, at, failure } = context;
  const endpointName = at.endpointName;
  const timeoutMinutes = model.serving.deployment.timeoutMinutes;
  const maxPolls = maxEndpointPolls(timeoutMinutes, props.pollSeconds);
  const stack = Stack.of(scope);
  const startPolling = new sfn.Pass(scope, 'StartPolling', { result: sfn.Result.fromObject({ n: 0 }), resultPath: '$.polls' });
  const wait = new sfn.Wait(scope, 'WaitForEndpoint', { time: sfn.WaitTime.duration(Duration.seconds(props.pollSeconds)) });
  const describe = new tasks.CallAwsService(scope, 'DescribeEndpoint', {
    service: 'sagemaker',
    action: 'describeEndpoint',
    parameters: { EndpointName: endpointName },
    iamResources: [`arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:endpoint/${endpointName}`],
    resultSelector: { 'status.$': '$.EndpointStatus', 'configName.$': '$.EndpointConfigName' },
    resultPath: '$.endpoint',
  });
  catchSageMakerErrors(describe, failure);
  const bump = new sfn.Pass(scope, 'CountPoll', { parameters: { 'n.$': 'States.MathAdd($.polls.n, 1)' }, resultPath: '$.polls' });
  bump.next(wait);
  const guardrails = failWith(
    scope,
    failure,
    'RolledBackByGuardrails',
    DEPLOY_ERRORS.guardrailRollback,
    `States.Format('${endpointName} is back on {}: an alarm fired while version {} was baking, and SageMaker rolled the deployment back', $.endpoint.configName, $.plan.version)`,
  );
  const endpointFailed = failWith(scope, failure, 'EndpointFailed', DEPLOY_ERRORS.endpointFailed, `States.Format('${endpointName} is {} after deploying version {}; see its FailureReason (gantry status)', $.endpoint.status, $.plan.version)`);
  const timedOut = failWith(scope, failure, 'DeploymentTimedOut', DEPLOY_ERRORS.timeout, `States.Format('${endpointName} still {} after ${maxPolls} polls (${timeoutMinutes} minutes) deploying version {}', $.endpoint.status, $.plan.version)`);
  const inService = props.inService();
  const status = new sfn.Choice(scope, 'EndpointStatus')
    .when(sfn.Condition.and(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), sfn.Condition.stringEqualsJsonPath('$.endpoint.configName', '$.plan.resourceName')), inService)
    .when(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), guardrails)
    .when(sfn.Condition.or(sfn.Condition.stringEquals('$.endpoint.status', 'Failed'), sfn.Condition.stringEquals('$.endpoint.status', 'UpdateRollbackFailed')), endpointFailed)
    .when(sfn.Condition.numberGreaterThanEquals('$.polls.n', maxPolls), timedOut)
    .otherwise(bump);
  startPolling.next(wait).next(describe).next(status);
  return startPolling;
}
