import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEPLOY_ERRORS, type EndpointEventType, type ProbeEndpointEvent, type RecordEndpointEvent } from '../../../contract';
import { invokeFunction } from '../../workflow/steps';
import { createEndpointRequest } from '../requests';
import { maxEndpointPolls } from './wait';
import { failWith, sagemakerTask, type DeployPhaseContext } from './context';

/**
 * How long the workflow waits for SageMaker to delete a Failed endpoint. SageMaker documents
 * no duration for DeleteEndpoint; a Failed endpoint has no instances to drain, and its
 * deletion takes minutes. Past this, the deployment fails and the next one starts over.
 */
export const DELETION_WAIT_MINUTES = 30;

export interface ReplacePhaseProps {
  /** The shared deploy function: its `probe` action reads the endpoint, `record` appends the events. */
  readonly deploy: lambda.IFunction;
  /** Seconds between polls of the endpoint's deletion. */
  readonly pollSeconds: number;
  /** What runs once the endpoint was created again: the wait for InService. */
  readonly next: sfn.IChainable;
}

/** How many polls fit in DELETION_WAIT_MINUTES. */
export function maxDeletionPolls(pollSeconds: number): number {
  return maxEndpointPolls(DELETION_WAIT_MINUTES, pollSeconds);
}

/**
 * The replace phase, for a plan with a `failedEndpoint` (a Failed endpoint this workflow
 * created; SageMaker can only delete it): DeleteEndpoint, then poll through the deploy
 * function until the endpoint is gone, record EndpointDeleted, CreateEndpoint with the
 * deployment's config, record EndpointRecreated, and go on to the wait. The endpoint is
 * polled through the function because SageMaker answers DescribeEndpoint of a missing
 * endpoint with an unmodeled ValidationException, which no documented Step Functions error
 * name matches. Still there after DELETION_WAIT_MINUTES, or back in another status (something
 * else created it), takes the failure path. Returns its first state.
 */
export function replacePhase(scope: Construct, context: DeployPhaseContext, props: ReplacePhaseProps): sfn.IChainable {
  const { at, tags, failure } = context;
  const endpointName = at.endpointName;
  const maxPolls = maxDeletionPolls(props.pollSeconds);
  const record = (stateId: string, type: EndpointEventType) => {
    const payload: Record<keyof RecordEndpointEvent, unknown> = { action: 'record', type, endpointName, plan: sfn.JsonPath.objectAt('$.plan'), executionArn: sfn.JsonPath.executionId };
    const task = invokeFunction(scope, stateId, props.deploy, payload, sfn.JsonPath.DISCARD);
    failure.catchInto(task);
    return task;
  };

  const deleteEndpoint = sagemakerTask(scope, context, 'DeleteFailedEndpoint', 'deleteEndpoint', { EndpointName: endpointName });
  const startPolling = new sfn.Pass(scope, 'StartDeletionPolls', { result: sfn.Result.fromObject({ n: 0 }), resultPath: '$.deletionPolls' });
  const wait = new sfn.Wait(scope, 'WaitForDeletion', { time: sfn.WaitTime.duration(Duration.seconds(props.pollSeconds)) });
  const probePayload: Record<keyof ProbeEndpointEvent, unknown> = { action: 'probe', endpointName };
  const probe = invokeFunction(scope, 'DescribeDeletion', props.deploy, probePayload, '$.deletion');
  failure.catchInto(probe);
  const bump = new sfn.Pass(scope, 'CountDeletionPoll', { parameters: { 'n.$': 'States.MathAdd($.deletionPolls.n, 1)' }, resultPath: '$.deletionPolls' });
  const timedOut = failWith(
    scope,
    failure,
    'DeletionTimedOut',
    DEPLOY_ERRORS.deletionTimeout,
    `States.Format('${endpointName} still {} after ${maxPolls} polls (${DELETION_WAIT_MINUTES} minutes) of its deletion, deploying version {}; deploy again once it is gone', $.deletion.status, $.plan.version)`,
  );
  const reappeared = failWith(
    scope,
    failure,
    'EndpointReappeared',
    DEPLOY_ERRORS.endpointReappeared,
    `States.Format('${endpointName} is {} while the Failed endpoint was being deleted to deploy version {}: something else created it; see gantry status', $.deletion.status, $.plan.version)`,
  );
  const recorded = record('RecordEndpointDeleted', 'EndpointDeleted');
  const recreate = sagemakerTask(scope, context, 'RecreateEndpoint', 'createEndpoint', createEndpointRequest(at, tags));
  const recreated = record('RecordEndpointRecreated', 'EndpointRecreated');

  // Failed is still waited on: right after DeleteEndpoint, DescribeEndpoint may not show Deleting yet.
  const deleting = sfn.Condition.or(sfn.Condition.stringEquals('$.deletion.status', 'Deleting'), sfn.Condition.stringEquals('$.deletion.status', 'Failed'));
  const status = new sfn.Choice(scope, 'DeletionStatus')
    // First: `status` is absent once the endpoint is gone.
    .when(sfn.Condition.booleanEquals('$.deletion.exists', false), recorded)
    .when(sfn.Condition.and(deleting, sfn.Condition.numberGreaterThanEquals('$.deletionPolls.n', maxPolls)), timedOut)
    .when(deleting, bump)
    .otherwise(reappeared);
  bump.next(wait);
  recorded.next(recreate).next(recreated).next(props.next);
  return deleteEndpoint.next(startPolling).next(wait).next(probe).next(status);
}
