import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { RETRY } from '../../workflow/steps';
import { putScalingPolicyRequest, registerScalableTargetRequest } from '../requests';
import type { DeployPhaseContext } from './context';
import { TRANSIENT_AUTOSCALING_ERRORS } from './deploy';

export interface ScalePhaseProps {
  /** The model's cost tags: the scalable target is tagged with them. */
  readonly costTags: Readonly<Record<string, string>>;
  /** What runs once autoscaling is registered. */
  readonly next: sfn.IChainable;
}

/**
 * The scale phase, once the endpoint is InService: register the variant as a scalable target
 * and put its target-tracking policy. Serverless endpoints scale by themselves and skip it.
 * Returns its first state.
 */
export function scalePhase(scope: Construct, context: DeployPhaseContext, props: ScalePhaseProps): sfn.IChainable {
  const { model, at, failure } = context;
  const register = new tasks.CallAwsService(scope, 'RegisterScalableTarget', {
    service: 'applicationautoscaling',
    action: 'registerScalableTarget',
    parameters: registerScalableTargetRequest(model, at, props.costTags),
    iamResources: ['*'],
    iamAction: 'application-autoscaling:RegisterScalableTarget',
    resultPath: sfn.JsonPath.DISCARD,
  });
  const policy = new tasks.CallAwsService(scope, 'PutScalingPolicy', {
    service: 'applicationautoscaling',
    action: 'putScalingPolicy',
    parameters: putScalingPolicyRequest(model, at),
    iamResources: ['*'],
    iamAction: 'application-autoscaling:PutScalingPolicy',
    resultPath: sfn.JsonPath.DISCARD,
  });
  for (const task of [register, policy]) {
    task.addRetry({ ...RETRY, errors: TRANSIENT_AUTOSCALING_ERRORS });
    failure.catchInto(task);
  }
  return register.next(policy).next(props.next);
}
