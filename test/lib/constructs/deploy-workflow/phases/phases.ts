import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { DeployPhaseContext } from '../../../../../lib/constructs/deploy-workflow/phases/context';
import { jobTags } from '../../../../../lib/constructs/training-pipeline/requests';
import { FailurePath } from '../../../../../lib/constructs/workflow/steps';
import { stageConfig, testApp } from '../../../../support/app';

/** A bare stack with the context a deploy phase builds from, for the churn model of a shipped stage. */
export function phaseScaffold(stage: 'dev' | 'prod') {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const model = stageConfig(stage).models.find((m) => m.name === 'churn')!;
  const recordEvent = lambda.Function.fromFunctionArn(stack, 'Record', 'arn:aws:lambda:eu-west-1:111111111111:function:record');
  const failure = new FailurePath(stack, { model: model.name, topic: new sns.Topic(stack, 'Topic'), recordEvent, subject: 'failed', failId: 'DeploymentFailed' });
  const context: DeployPhaseContext = {
    model,
    at: { endpointName: `gantry-${stage}-churn`, roleArn: 'arn:aws:iam::111111111111:role/endpoint', kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k', captureUri: 's3://capture' },
    tags: jobTags({ Model: 'churn' }),
    failure,
  };
  const done = new sfn.Succeed(stack, 'Next');
  return { stack, model, context, done };
}

/** The states reachable from `start`, tokens resolved. */
export function statesOf(stack: Stack, start: sfn.IChainable): Record<string, Record<string, any>> {
  return stack.resolve(new sfn.StateGraph(start.startState, 'test').toGraphJson()).States;
}
