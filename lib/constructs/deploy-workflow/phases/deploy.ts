import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { DeployStrategy } from '../../../contract';
import { RETRY } from '../../workflow/steps';
import { createEndpointConfigRequest, createEndpointRequest, createModelRequest, deregisterScalableTargetRequest, updateEndpointRequest } from '../requests';
import { sagemakerTask, type DeployPhaseContext } from './context';

export interface UpdatePhaseProps {
  /** The endpoint's service alarms, by name: SageMaker rolls a canary or linear deployment back when one fires. */
  readonly alarmNames: readonly string[];
  /** What runs once SageMaker has the update: the wait for InService. */
  readonly next: sfn.IChainable;
}

/** The SageMaker model, endpoint config and new endpoint of a deployment. */
export interface VersionResources {
  /** CreateModel, then CreateEndpointConfig: every deployment runs them. */
  readonly chain: sfn.Chain;
  /** CreateEndpoint, for an endpoint that does not exist yet; connect it to what follows. */
  readonly createEndpoint: sfn.CustomState;
}

/** The retried errors of Application Auto Scaling calls. */
export const TRANSIENT_AUTOSCALING_ERRORS = ['ApplicationAutoScaling.ConcurrentUpdateException', 'ApplicationAutoScaling.InternalServiceException'];

/**
 * The deploy phase, first half: the SageMaker model and endpoint config of the planned
 * version, and CreateEndpoint for a first deployment.
 */
export function versionResources(scope: Construct, context: DeployPhaseContext): VersionResources {
  const { model, at, tags } = context;
  const createModel = sagemakerTask(scope, context, 'CreateModel', 'createModel', createModelRequest(model, at, tags));
  const createConfig = sagemakerTask(scope, context, 'CreateEndpointConfig', 'createEndpointConfig', createEndpointConfigRequest(model, at, tags));
  const createEndpoint = sagemakerTask(scope, context, 'CreateEndpoint', 'createEndpoint', createEndpointRequest(at, tags));
  return { chain: createModel.next(createConfig), createEndpoint };
}

/**
 * The deploy phase, second half: update an existing endpoint with the plan's strategy (a
 * rollback puts last-good back all at once), deregistering autoscaling first when the
 * instance type changes. Returns its first state.
 */
export function updatePhase(scope: Construct, context: DeployPhaseContext, props: UpdatePhaseProps): sfn.IChainable {
  const { model, at, failure } = context;
  const serverless = model.serving.target === 'serverless';
  const update = (strategy: DeployStrategy | 'rollback') =>
    sagemakerTask(
      scope,
      context,
      updateStateId(serverless, strategy),
      'updateEndpoint',
      updateEndpointRequest(model, at, strategy === 'rollback' ? 'all-at-once' : strategy, props.alarmNames, { rollback: strategy === 'rollback' }),
    ).next(props.next);
  if (serverless) return update('all-at-once');
  const chooseStrategy = new sfn.Choice(scope, 'Strategy')
    .when(sfn.Condition.booleanEquals('$.plan.rollback', true), update('rollback'))
    .when(sfn.Condition.stringEquals('$.plan.strategy', 'canary'), update('canary'))
    .when(sfn.Condition.stringEquals('$.plan.strategy', 'linear'), update('linear'))
    .otherwise(update('all-at-once'));
  // SageMaker refuses to change the instance type of a scalable variant: deregister first
  // (the new fleet starts at the config's instance count; autoscaling returns after InService).
  const deregister = new tasks.CallAwsService(scope, 'DeregisterScalableTarget', {
    service: 'applicationautoscaling',
    action: 'deregisterScalableTarget',
    parameters: deregisterScalableTargetRequest(at),
    iamResources: ['*'],
    iamAction: 'application-autoscaling:DeregisterScalableTarget',
    resultPath: sfn.JsonPath.DISCARD,
  });
  deregister.addRetry({ ...RETRY, errors: TRANSIENT_AUTOSCALING_ERRORS });
  deregister.addCatch(chooseStrategy, { errors: ['ApplicationAutoScaling.ObjectNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
  failure.catchInto(deregister);
  deregister.next(chooseStrategy);
  return new sfn.Choice(scope, 'InstanceTypeChanged').when(sfn.Condition.booleanEquals('$.plan.instanceTypeChanged', true), deregister).otherwise(chooseStrategy);
}

/** The UpdateEndpoint state of a strategy: one per strategy, since each sends its own DeploymentConfig; serverless has one plain update. */
export function updateStateId(serverless: boolean, strategy: DeployStrategy | 'rollback'): string {
  if (serverless) return 'UpdateEndpoint';
  if (strategy === 'rollback') return 'UpdateEndpointRollback';
  if (strategy === 'all-at-once') return 'UpdateEndpointAllAtOnce';
  return `UpdateEndpoint${strategy[0]!.toUpperCase()}${strategy.slice(1)}`;
}
