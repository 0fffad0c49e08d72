import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DELETION_WAIT_MINUTES, maxDeletionPolls, replacePhase } from '../../../../../lib/constructs/deploy-workflow/phases/replace';
import { phaseScaffold, statesOf } from './phases';

describe('maxDeletionPolls', () => {
  it.each([
    [60, 30],
    [45, 40],
    [7, 258],
    [3600, 1],
  ])('one poll every %i s waits %i polls', (seconds, polls) => {
    expect(DELETION_WAIT_MINUTES).toBe(30);
    expect(maxDeletionPolls(seconds)).toBe(polls);
  });
});

describe('replacePhase', () => {
  function build(stage: 'dev' | 'prod', pollSeconds = 60) {
    const { stack, context, done } = phaseScaffold(stage);
    const deploy = lambda.Function.fromFunctionArn(stack, 'Deploy', 'arn:aws:lambda:eu-west-1:111111111111:function:deploy');
    const start = replacePhase(stack, context, { deploy, pollSeconds, next: done });
    return { start, states: statesOf(stack, start) };
  }

  it('deletes the endpoint through the AWS SDK integration, then polls the deploy function', () => {
    const { start, states } = build('prod');
    expect(start.startState.id).toBe('DeleteFailedEndpoint');
    expect(states.DeleteFailedEndpoint).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint', Parameters: { EndpointName: 'gantry-prod-churn' }, ResultPath: null, Next: 'StartDeletionPolls' });
    expect(states.DeleteFailedEndpoint!.Retry[0].ErrorEquals).toContain('SageMaker.ThrottlingException');
    expect(states.StartDeletionPolls).toMatchObject({ Result: { n: 0 }, ResultPath: '$.deletionPolls', Next: 'WaitForDeletion' });
    expect(states.WaitForDeletion).toMatchObject({ Type: 'Wait', Seconds: 60, Next: 'DescribeDeletion' });
    // The payload is the Parameters: the function's result alone lands at $.deletion.
    expect(states.DescribeDeletion).toMatchObject({ Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:deploy', Parameters: { action: 'probe', endpointName: 'gantry-prod-churn' }, ResultPath: '$.deletion', Next: 'DeletionStatus' });
  });

  it('goes on once the endpoint is gone, waits while it is Deleting (or still shows Failed), and fails past the bound or on any other status', () => {
    const { states } = build('prod', 45);
    const deleting = { Or: [{ Variable: '$.deletion.status', StringEquals: 'Deleting' }, { Variable: '$.deletion.status', StringEquals: 'Failed' }] };
    expect(states.DeletionStatus!.Choices).toEqual([
      { Variable: '$.deletion.exists', BooleanEquals: false, Next: 'RecordEndpointDeleted' },
      { And: [deleting, { Variable: '$.deletionPolls.n', NumericGreaterThanEquals: 40 }], Next: 'DeletionTimedOut' },
      { ...deleting, Next: 'CountDeletionPoll' },
    ]);
    expect(states.DeletionStatus!.Default).toBe('EndpointReappeared');
    expect(states.CountDeletionPoll).toMatchObject({ Parameters: { 'n.$': 'States.MathAdd($.deletionPolls.n, 1)' }, Next: 'WaitForDeletion' });
    expect(states.DeletionTimedOut).toMatchObject({ Parameters: { Error: 'EndpointDeletionTimeout' }, ResultPath: '$.error', Next: 'RecordFailure' });
    expect(states.DeletionTimedOut!.Parameters['Cause.$']).toContain('after 40 polls (30 minutes) of its deletion');
    expect(states.EndpointReappeared).toMatchObject({ Parameters: { Error: 'EndpointReappeared' }, ResultPath: '$.error', Next: 'RecordFailure' });
  });

  it('records the deletion, creates the endpoint again with the tags and the planned config, records that, then goes on', () => {
    const { states } = build('dev');
    const record = (type: string) => ({ action: 'record', type, endpointName: 'gantry-dev-churn', 'plan.$': '$.plan', 'executionArn.$': '$$.Execution.Id' });
    expect(states.RecordEndpointDeleted).toMatchObject({ Parameters: record('EndpointDeleted'), ResultPath: null, Next: 'RecreateEndpoint' });
    expect(states.RecreateEndpoint).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:createEndpoint',
      Parameters: { EndpointName: 'gantry-dev-churn', 'EndpointConfigName.$': '$.plan.resourceName', Tags: [{ Key: 'Model', Value: 'churn' }, { Key: 'ExecutionId', 'Value.$': '$$.Execution.Id' }] },
      Next: 'RecordEndpointRecreated',
    });
    expect(states.RecordEndpointRecreated).toMatchObject({ Parameters: record('EndpointRecreated'), ResultPath: null, Next: 'Next' });
    for (const id of ['DeleteFailedEndpoint', 'DescribeDeletion', 'RecordEndpointDeleted', 'RecreateEndpoint', 'RecordEndpointRecreated']) {
      expect(states[id]!.Catch, id).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
    }
  });
});
