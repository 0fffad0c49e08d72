import { describe, expect, it } from 'vitest';
import { IntrinsicError } from '../../tools/local/intrinsics';
import { generatedName } from './physical-names';
import { StageModel } from './stage-model';
import type { StackTemplate, StageTemplates } from './stage-templates';

const env = { account: '111111111111', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' };

function stage(...stacks: StackTemplate[]): StageModel {
  return new StageModel({ config: {} as StageTemplates['config'], environment: env, stacks });
}

const data: StackTemplate = {
  stackName: 'gantry-prod-data',
  template: {
    Resources: {
      Key961B73FD: { Type: 'AWS::KMS::Key', Properties: {} },
      LakeArtifacts2DD6A05E: { Type: 'AWS::S3::Bucket', Properties: {} },
      Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': 'models-${AWS::AccountId}-${AWS::Region}' } } },
    },
    Outputs: {
      PublishOutputFnGetAttKeyArn: { Value: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } },
      BucketName: { Value: { Ref: 'LakeArtifacts2DD6A05E' }, Export: { Name: 'gantry-prod-data:BucketName' } },
    },
  },
};

const model: StackTemplate = {
  stackName: 'gantry-prod-model-churn',
  template: {
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'gantry-prod-churn', KmsMasterKeyId: { 'Fn::GetStackOutput': { StackName: 'gantry-prod-data', Region: 'eu-west-1', OutputName: 'PublishOutputFnGetAttKeyArn' } } } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'gantry-prod-churn-training' } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    },
  },
};

describe('StageModel', () => {
  it('resolves pseudo parameters to the stage environment and Ref/GetAtt to realistic ARNs', () => {
    const m = stage(data, model);
    expect(m.resolve('gantry-prod-model-churn', { 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] })).toBe('aws:eu-west-1:111111111111');
    expect(m.resolve('gantry-prod-model-churn', { Ref: 'Topic' })).toBe('arn:aws:sns:eu-west-1:111111111111:gantry-prod-churn');
    expect(m.resolve('gantry-prod-model-churn', { Ref: 'Machine' })).toBe('arn:aws:states:eu-west-1:111111111111:stateMachine:gantry-prod-churn-training');
    expect(m.resolve('gantry-prod-model-churn', { 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(/^arn:aws:iam::111111111111:role\/gantry-prod-model-churn-Role-[A-Z0-9]{12}$/);
    expect(m.resolve('gantry-prod-model-churn', { 'Fn::GetAtt': ['Logs', 'Arn'] })).toMatch(/^arn:aws:logs:eu-west-1:111111111111:log-group:gantry-prod-model-churn-Logs-[A-Z0-9]{12}:\*$/);
  });

  it('follows Fn::GetStackOutput and Fn::ImportValue into the producing stack', () => {
    const m = stage(data, model);
    const key = m.resolve('gantry-prod-data', { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] });
    expect(key).toMatch(/^arn:aws:kms:eu-west-1:111111111111:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.properties(m.resource('gantry-prod-model-churn', 'Topic')).KmsMasterKeyId).toBe(key);
    expect(m.resolve('gantry-prod-model-churn', { 'Fn::ImportValue': 'gantry-prod-data:BucketName' })).toBe(m.ref(m.resource('gantry-prod-data', 'LakeArtifacts2DD6A05E')));
  });

  it('names buckets as CloudFormation does: lower case, at most 63 characters, or by their BucketName', () => {
    const m = stage(data);
    const generated = m.ref(m.resource('gantry-prod-data', 'LakeArtifacts2DD6A05E'));
    expect(generated).toMatch(/^gantry-prod-data-lakeartifacts2dd6a05e-[a-z0-9]{12}$/);
    expect(m.ref(m.resource('gantry-prod-data', 'Named'))).toBe('models-111111111111-eu-west-1');
    expect(m.resourceByArn(`arn:aws:s3:::${generated}`)?.logicalId).toBe('LakeArtifacts2DD6A05E');
  });

  it('cuts generated names to the limit of their type', () => {
    const name = generatedName({ stackName: 'gantry-production-model-customer-churn-prediction', logicalId: 'TrainingStateMachineRoleC2A5852B' }, 64);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/-[A-Z0-9]{12}$/);
  });

  it('throws, naming the reference, for what it cannot resolve', () => {
    const m = stage(data, model);
    expect(() => m.resolve('gantry-prod-model-churn', { Ref: 'Missing' })).toThrow(IntrinsicError);
    expect(() => m.resolve('gantry-prod-model-churn', { 'Fn::GetStackOutput': { StackName: 'gantry-prod-data', OutputName: 'Nope' } })).toThrow(/stack gantry-prod-data has no output Nope/);
    expect(() => m.resolve('gantry-prod-model-churn', { 'Fn::GetStackOutput': { StackName: 'gantry-prod-data', Region: 'us-east-1', OutputName: 'BucketName' } })).toThrow(/outside the stage's region/);
    expect(() => m.resolve('gantry-prod-model-churn', { 'Fn::GetAtt': ['Topic', 'Nonsense'] })).toThrow(/no realistic value for AWS::SNS::Topic's attribute Nonsense/);
  });
});
