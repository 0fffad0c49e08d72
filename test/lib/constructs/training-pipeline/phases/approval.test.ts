import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../../../lib/config';
import { approvalPhase } from '../../../../../lib/constructs/training-pipeline/phases/approval';
import { FailurePath } from '../../../../../lib/constructs/workflow/steps';
import { stageConfig, testApp } from '../../../../support/app';

const churn = stageConfig('prod').models.find((m) => m.name === 'churn')!;

function build(model: ModelConfig, deploy: boolean) {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const topic = new sns.Topic(stack, 'Topic');
  const recordEvent = lambda.Function.fromFunctionArn(stack, 'Record', 'arn:aws:lambda:eu-west-1:111111111111:function:record');
  const failure = new FailurePath(stack, { model: model.name, topic, recordEvent, subject: 'failed', failId: 'TrainingFailed' });
  const deployStateMachine = deploy ? sfn.StateMachine.fromStateMachineName(stack, 'Deploy', 'gantry-prod-churn-deploy') : undefined;
  const start = approvalPhase(stack, { model, at: {} as never, tags: [], failure }, { topic, deployStateMachine });
  return { start, states: stack.resolve(new sfn.StateGraph(start.startState, 'test').toGraphJson()).States as Record<string, Record<string, any>> };
}

describe('approvalPhase', () => {
  it('ends at once when approval is automatic and nothing deploys', () => {
    const { start, states } = build({ ...churn, training: { ...churn.training, approval: 'auto' } }, false);
    expect(start.startState.id).toBe('Registered');
    expect(Object.keys(states)).toEqual(['Registered']);
  });

  it('starts the deploy workflow with the registered version, fire and forget', () => {
    const { start, states } = build({ ...churn, training: { ...churn.training, approval: 'auto' } }, true);
    expect(start.startState.id).toBe('StartDeploy');
    expect(states.StartDeploy).toMatchObject({ Next: 'Registered' });
    expect(JSON.stringify(states.StartDeploy!.Resource)).toContain(':states:::states:startExecution"');
    expect(states.StartDeploy!.Parameters.Input).toMatchObject({ model: 'churn', 'version.$': '$.registered.version' });
    expect(states.StartDeploy!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
  });

  it('waits for a task token within the approval timeout when approval is manual, and ends as Rejected on a rejection', () => {
    const model = { ...churn, training: { ...churn.training, approval: 'manual' as const, approvalTimeoutHours: 48 } };
    const { start, states } = build(model, true);
    expect(start.startState.id).toBe('RequestApproval');
    expect(states.RequestApproval).toMatchObject({ TimeoutSeconds: 48 * 3600, Next: 'StartDeploy' });
    expect(JSON.stringify(states.RequestApproval!.Resource)).toContain(':states:::sns:publish.waitForTaskToken"');
    expect(states.RequestApproval!.Catch).toEqual([
      { ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Rejected' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
    expect(states.Rejected).toEqual({ Type: 'Fail', Error: 'Rejected', CausePath: '$.rejection.Cause' });
  });
});
