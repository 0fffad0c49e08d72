import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { rolesWithPolicies } from './principals';
import type { RunTimeRequest } from './requests';
import { ResourcePolicies } from './resource-policies';
import { simulateRequests } from './simulate';
import { StageModel } from '../support/stage-model';

/*
 * The simulator's behaviour this layer relies on, and the one workaround it needs: iam-simulate
 * drops `kms:EncryptionContext:<key>` from requests, so key policy conditions on an encryption
 * context would never match.
 */

const account = '111111111111';
const env = { account, region: 'us-east-1', partition: 'aws', urlSuffix: 'amazonaws.com' };
const topic = (name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;
const keyPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
    { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': topic('gantry-prod-*') } } },
  ],
};

const model = new StageModel({
  config: {} as never,
  environment: env,
  stacks: [{ stackName: 'data', template: { Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: keyPolicy } } } } }],
});
const keyArn = model.arn(model.resource('data', 'Key'));
const roles = rolesWithPolicies(model);
const policies = new ResourcePolicies(model, roles);

const cloudwatchUsesKey = (topicName: string): RunTimeRequest => ({
  principal: { kind: 'service', id: 'cloudwatch.amazonaws.com' },
  action: 'kms:GenerateDataKey',
  resource: keyArn,
  context: { 'kms:EncryptionContext:aws:sns:topicArn': topic(topicName) },
  origin: 'test',
});

describe('simulating KMS requests with an encryption context', () => {
  it('is needed: iam-simulate drops kms:EncryptionContext:<key> from a request as not applicable', async () => {
    const response = await runSimulation(
      {
        request: { principal: 'cloudwatch.amazonaws.com', action: 'kms:GenerateDataKey', resource: { resource: keyArn, accountId: account }, contextVariables: { 'kms:EncryptionContext:aws:sns:topicArn': topic('gantry-prod-churn') } },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: keyPolicy,
      },
      {},
    );
    // When this fails, iam-simulate handles the key itself: remove ENCRYPTION_CONTEXT_ALIAS from simulate.ts.
    expect(response.resultType === 'single' && response.result.ignoredContextKeys).toEqual(['kms:EncryptionContext:aws:sns:topicArn']);
    expect(response.resultType !== 'error' && response.overallResult).toBe('ImplicitlyDenied');
  });

  it("matches the key policy's encryption-context condition: allowed for the stage's topics, denied for another", async () => {
    const [stageTopic, otherTopic] = await simulateRequests([cloudwatchUsesKey('gantry-prod-churn'), cloudwatchUsesKey('someone-elses-topic')], roles, policies, env);
    expect(stageTopic!.result).toBe('Allowed');
    expect(otherTopic!.result).toBe('ImplicitlyDenied');
  });

  it('refuses a request the simulator cannot validate instead of counting it as denied', async () => {
    const wrongType: RunTimeRequest = { principal: { kind: 'service', id: 'events.amazonaws.com' }, action: 'sagemaker:AddTags', resource: `arn:aws:sagemaker:us-east-1:${account}:trainingjob/x`, origin: 'test' };
    await expect(simulateRequests([wrongType], roles, policies, env)).rejects.toThrow(/iam-simulate refused events\.amazonaws\.com sagemaker:AddTags/);
  });
});
