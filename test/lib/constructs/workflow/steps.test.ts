import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { FailurePath, grantPublishToEncryptedTopic, invokeFunction, stateMachineLogGroupName, TRANSIENT_LAMBDA_ERRORS, TRANSIENT_SNS_ERRORS } from '../../../../lib/constructs/workflow/steps';
import { testApp } from '../../../support/app';

type States = Record<string, Record<string, any>>;

function scaffold() {
  const stack = new Stack(testApp(), 'Test');
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:111111111111:function:work');
  const recordEvent = lambda.Function.fromFunctionArn(stack, 'Record', 'arn:aws:lambda:eu-west-1:111111111111:function:record');
  const topic = new sns.Topic(stack, 'Topic');
  return { stack, fn, recordEvent, topic };
}

/** The states reachable from `start`, tokens resolved. */
function states(stack: Stack, start: sfn.IChainable): States {
  return stack.resolve(new sfn.StateGraph(start.startState, 'test').toGraphJson()).States;
}

describe('invokeFunction', () => {
  it('invokes with the payload only, retrying Lambda\'s transient errors with backoff and jitter', () => {
    const { stack, fn } = scaffold();
    const task = invokeFunction(stack, 'Work', fn, { model: 'churn', input: sfn.JsonPath.stringAt('$.x') }, '$.result');
    const { Work } = states(stack, task);
    expect(Work).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:work',
      Parameters: { model: 'churn', 'input.$': '$.x' },
      ResultPath: '$.result',
      Retry: [{ ErrorEquals: TRANSIENT_LAMBDA_ERRORS, IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: 'FULL' }],
    });
  });
});

describe('FailurePath', () => {
  function build() {
    const { stack, fn, recordEvent, topic } = scaffold();
    const failure = new FailurePath(stack, { model: 'churn', topic, recordEvent, subject: 'Gantry: churn failed', failId: 'RunFailed', recordExtra: { version: sfn.JsonPath.numberAt('$.plan.version') } });
    const work = invokeFunction(stack, 'Work', fn, {}, '$.result');
    failure.catchInto(work);
    return { stack, failure, all: states(stack, work) };
  }

  it('catches every error of a state into the record step, with the error at $.error', () => {
    const { all } = build();
    expect(all.Work!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
  });

  it('records the failure with the extra fields, then notifies, then fails with the original error', () => {
    const { all } = build();
    expect(all.RecordFailure).toMatchObject({
      Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:record',
      Parameters: { model: 'churn', type: 'Failed', 'reason.$': '$.error.Error', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause', 'executionArn.$': '$$.Execution.Id', 'version.$': '$.plan.version' },
      ResultPath: null,
      Next: 'NotifyFailure',
    });
    expect(all.NotifyFailure).toMatchObject({ Type: 'Task', Next: 'RunFailed', Retry: [expect.objectContaining({ ErrorEquals: TRANSIENT_SNS_ERRORS })] });
    expect(all.NotifyFailure!.Parameters).toMatchObject({ Subject: 'Gantry: churn failed' });
    expect(all.RunFailed).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it('still notifies when the record fails, and still fails with the original error when the notification does', () => {
    const { all } = build();
    expect(all.RecordFailure!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: 'NotifyFailure' }]);
    expect(all.NotifyFailure!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'RunFailed' }]);
  });

  it('starts at the record step', () => {
    const { failure } = build();
    expect(failure.start.startState.id).toBe('RecordFailure');
  });
});

describe('grantPublishToEncryptedTopic', () => {
  function grantee(stack: Stack) {
    return new iam.Role(stack, 'Machine', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
  }

  it('grants the topic key\'s GenerateDataKey and Decrypt: SNS encrypts as the publisher', () => {
    const stack = new Stack(testApp(), 'Test');
    const key = new kms.Key(stack, 'Key');
    grantPublishToEncryptedTopic(new sns.Topic(stack, 'Topic', { masterKey: key }), grantee(stack));
    const [statement] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument.Statement;
    expect([...statement.Action].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(statement.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] });
  });

  it('grants nothing for an unencrypted topic', () => {
    const stack = new Stack(testApp(), 'Test');
    grantPublishToEncryptedTopic(new sns.Topic(stack, 'Topic'), grantee(stack));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('stateMachineLogGroupName', () => {
  it('puts execution logs under /aws/vendedlogs/states/, which needs no resource-policy statement per log group', () => {
    expect(stateMachineLogGroupName('gantry-prod-churn-training')).toBe('/aws/vendedlogs/states/gantry-prod-churn-training');
  });
});
