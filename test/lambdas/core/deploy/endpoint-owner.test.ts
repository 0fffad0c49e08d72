import { describe, expect, it } from 'vitest';
import { endpointOwnership, executionPrefix } from '../../../../lambdas/core/deploy/endpoint-owner';

const workflow = 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:';
const owner = { model: 'churn', executionArn: `${workflow}deploy-2` };
// The tags the deploy workflow's CreateEndpoint puts on the endpoint (lib/constructs/deploy-workflow/requests.ts).
const created = { CostCenter: 'CC-1001', Team: 'growth-ml', Project: 'gantry', Environment: 'prod', Model: 'churn', ExecutionId: `${workflow}deploy-1` };

describe('executionPrefix', () => {
  it.each([
    [`${workflow}deploy-1`, workflow],
    ['arn:aws-cn:states:cn-north-1:111111111111:execution:gantry-cn-churn-deploy:abc', 'arn:aws-cn:states:cn-north-1:111111111111:execution:gantry-cn-churn-deploy:'],
    // An express execution, a state machine ARN and other text are not standard executions.
    ['arn:aws:states:us-east-1:111111111111:express:gantry-prod-churn-deploy:a:b', undefined],
    ['arn:aws:states:us-east-1:111111111111:stateMachine:gantry-prod-churn-deploy', undefined],
    [`${workflow}`, undefined],
    ['gantry', undefined],
  ])('%s → %s', (arn, prefix) => {
    expect(executionPrefix(arn)).toBe(prefix);
  });
});

describe('endpointOwnership', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['created by an earlier execution of this workflow', created, undefined],
    ['created by this very execution (a retried prepare)', { ...created, ExecutionId: owner.executionArn }, undefined],
    ['with no tags at all (made by hand)', {}, 'it has no Model tag'],
    ['with cost tags only, no ExecutionId', { ...created, ExecutionId: undefined as never }, 'it has no ExecutionId tag'],
    ["tagged for another model", { ...created, Model: 'fraud' }, 'its Model tag is "fraud", not "churn"'],
    ['created by the same model in another stage', { ...created, ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-1' }, `its ExecutionId tag "arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-1" is not an execution of this deploy workflow (${workflow}*)`],
    ["created by the model's training pipeline", { ...created, ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-training:run-1' }, 'is not an execution of this deploy workflow'],
    ['created in another account', { ...created, ExecutionId: `arn:aws:states:us-east-1:222222222222:execution:gantry-prod-churn-deploy:deploy-1` }, 'is not an execution of this deploy workflow'],
    ['created by a workflow whose name starts with this one', { ...created, ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy-x:deploy-1' }, 'is not an execution of this deploy workflow'],
    ['whose ExecutionId is not an ARN', { ...created, ExecutionId: 'deploy-1' }, 'its ExecutionId tag "deploy-1" is not an execution'],
    ['whose tag keys differ in case', { ...created, Model: undefined as never, model: 'churn' }, 'it has no Model tag'],
  ])('an endpoint %s', (_case, raw, why) => {
    const tags = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    const ownership = endpointOwnership(tags, owner);
    if (why === undefined) expect(ownership).toEqual({ owned: true });
    else expect(ownership).toEqual({ owned: false, why: expect.stringContaining(why) });
  });

  it('never owns anything when its own execution ARN cannot be read', () => {
    expect(endpointOwnership(created, { model: 'churn', executionArn: 'not-an-arn' })).toEqual({ owned: false, why: `its ExecutionId tag "${created.ExecutionId}" is not an execution of this deploy workflow (not-an-arn*)` });
  });
});
