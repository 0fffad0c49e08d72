import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { invokeFunction, RETRY, TRANSIENT_SNS_ERRORS } from '../../workflow/steps';
import type { DeployPhaseContext } from './context';

export interface PromotePhaseProps {
  /** The shared deploy function: its `complete` action promotes (or rolls back) in the registry. */
  readonly deploy: lambda.IFunction;
  /** The model's topic: the deployment is published here. */
  readonly topic: sns.ITopic;
}

/**
 * The promote phase, once the endpoint serves the version: move the registry's pointers, then
 * notify and succeed. A lost notification does not fail a deployment that is done and
 * recorded. Returns its first state.
 */
export function promotePhase(scope: Construct, context: DeployPhaseContext, props: PromotePhaseProps): sfn.IChainable {
  const { model, at, failure } = context;
  const complete = invokeFunction(scope, 'Promote', props.deploy, { action: 'complete', plan: sfn.JsonPath.objectAt('$.plan'), executionArn: sfn.JsonPath.executionId }, '$.completed');
  failure.catchInto(complete);
  const notifyDeployed = new tasks.SnsPublish(scope, 'NotifyDeployed', {
    topic: props.topic,
    subject: `Gantry: ${model.name} deployed`,
    // The whole plan: version, previous version (absent on a first deployment), strategy, rollback.
    message: sfn.TaskInput.fromObject({ model: model.name, endpoint: at.endpointName, execution: sfn.JsonPath.executionId, deployment: sfn.JsonPath.objectAt('$.plan') }),
    resultPath: sfn.JsonPath.DISCARD,
  });
  notifyDeployed.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
  const deployed = new sfn.Succeed(scope, 'Deployed');
  notifyDeployed.addCatch(deployed, { resultPath: '$.notifyError' });
  return complete.next(notifyDeployed).next(deployed);
}
