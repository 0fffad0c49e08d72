import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { PrepareDeployEvent } from '../../../contract';
import { invokeFunction, RETRY, TRANSIENT_SNS_ERRORS } from '../../workflow/steps';
import type { DeployPhaseContext } from './context';

export interface PlanPhaseProps {
  /** The shared deploy function: its `prepare` action plans the deployment. */
  readonly deploy: lambda.IFunction;
  /** The model's topic: a refused deployment is published here. */
  readonly topic: sns.ITopic;
}

/**
 * The plan phase: the deploy function checks the version in the registry and plans the
 * deployment (`$.plan`). A refused request (bad input, a version that is not deployable, a
 * busy endpoint) changed nothing: it is notified and fails, without a registry event about a
 * version. Returns its one state: what runs next finds the plan at `$.plan`.
 */
export function planPhase(scope: Construct, context: DeployPhaseContext, props: PlanPhaseProps): tasks.LambdaInvoke {
  const { model, at } = context;
  const refused = new sfn.Fail(scope, 'DeploymentRefused', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
  const notifyRefused = new tasks.SnsPublish(scope, 'NotifyRefused', {
    topic: props.topic,
    subject: `Gantry: deployment of ${model.name} refused`,
    message: sfn.TaskInput.fromObject({ model: model.name, execution: sfn.JsonPath.executionId, error: sfn.JsonPath.stringAt('$.error.Error'), cause: sfn.JsonPath.stringAt('$.error.Cause') }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  notifyRefused.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
  // An unsent notification must not hide why the deployment was refused.
  notifyRefused.addCatch(refused, { resultPath: '$.notifyError' });
  notifyRefused.next(refused);

  const prepare = invokeFunction(scope, 'Prepare', props.deploy, prepareEvent(context, at.endpointName), '$.plan');
  prepare.addCatch(notifyRefused, { resultPath: '$.error' });
  return prepare;
}

/** The deploy function's `prepare` event for this model's endpoint. */
export function prepareEvent(context: Pick<DeployPhaseContext, 'model'>, endpointName: string): Partial<Record<keyof PrepareDeployEvent, unknown>> {
  const { model } = context;
  const event: Record<keyof PrepareDeployEvent, unknown> = {
    action: 'prepare',
    model: model.name,
    input: sfn.JsonPath.entirePayload,
    endpointName,
    target: model.serving.target,
    compiler: model.serving.compiler,
    instanceType: model.serving.instanceType,
    defaultStrategy: model.serving.strategy,
    // The first 8 hex digits of a UUID: SageMaker names are at most 63 characters.
    deploymentId: sfn.JsonPath.arrayGetItem(sfn.JsonPath.stringSplit(sfn.JsonPath.uuid(), '-'), 0),
    executionArn: sfn.JsonPath.executionId,
  };
  // Serverless endpoints have no instances; only some targets name a compiler.
  if (model.serving.target === 'serverless') delete event.instanceType;
  if (model.serving.compiler === undefined) delete event.compiler;
  return event;
}
