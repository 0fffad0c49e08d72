import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { repositoryArn, SageMakerJobRole, type SageMakerJobRoleProps } from '../../../../lib/constructs/sagemaker-job-role/sagemaker-job-role';
import { testApp } from '../../../support/app';

const IMAGE = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311';

function build(overrides: Partial<Omit<SageMakerJobRoleProps, 'key'>> = {}) {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key');
  const curated = new s3.Bucket(stack, 'Curated');
  const artifacts = new s3.Bucket(stack, 'Artifacts');
  new SageMakerJobRole(stack, 'JobRole', {
    model: 'churn',
    key,
    reads: [{ bucket: curated }],
    writes: [{ bucket: artifacts, prefixes: ['models/churn/', 'runs/churn/'] }],
    images: [IMAGE, IMAGE],
    ...overrides,
  });
  const template = Template.fromStack(stack);
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
  return { stack, template, statements };
}

const withAction = (statements: Array<Record<string, any>>, action: string) => statements.filter((s) => [s.Action].flat().includes(action));

describe('SageMakerJobRole', () => {
  it('is assumed by SageMaker of this account and region only, and has no managed policy', () => {
    const { template } = build();
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'Gantry SageMaker jobs of model churn',
      ManagedPolicyArns: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'sagemaker.amazonaws.com' },
            Condition: {
              StringEqualsIfExists: { 'aws:SourceAccount': '111111111111' },
              ArnLikeIfExists: { 'aws:SourceArn': Match.anyValue() },
            },
          },
        ],
      },
    });
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0]!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLikeIfExists)).toContain(':sagemaker:eu-west-1:111111111111:*');
  });

  it('reads a whole bucket, and writes only under the given prefixes, listing limited to them', () => {
    const { statements } = build();
    const puts = withAction(statements, 's3:PutObject');
    expect(puts).toHaveLength(1);
    expect(JSON.stringify(puts[0]!.Resource)).toContain('/models/churn/*');
    expect(JSON.stringify(puts[0]!.Resource)).toContain('/runs/churn/*');
    const lists = withAction(statements, 's3:ListBucket');
    expect(lists).toHaveLength(2);
    expect(lists.find((s) => s.Condition)!.Condition).toEqual({ StringLike: { 's3:prefix': ['models/churn/*', 'runs/churn/*'] } });
    // The read-only bucket is listed without a condition: its area is the whole bucket.
    expect(lists.filter((s) => !s.Condition)).toHaveLength(1);
    const reads = statements.filter((s) => JSON.stringify(s.Action) === JSON.stringify('s3:GetObject'));
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0]!.Resource)).toMatch(/Curated.*\/\*/);
  });

  it('pulls only the named repositories, each once', () => {
    const { statements } = build();
    const [pull] = withAction(statements, 'ecr:BatchGetImage');
    expect(pull!.Resource).toBe('arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-training');
  });

  it('adds the network-interface actions only in a VPC', () => {
    expect(withAction(build().statements, 'ec2:CreateNetworkInterface')).toEqual([]);
    expect(withAction(build({ inVpc: true }).statements, 'ec2:CreateNetworkInterface')).toHaveLength(1);
  });

  it('uses the key for job volumes and outputs', () => {
    const [grant] = withAction(build().statements, 'kms:GenerateDataKey');
    expect([grant!.Action].flat().sort()).toEqual(['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']);
  });

  it('throws when a prefix does not end with "/"', () => {
    const stack = new Stack(testApp(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => new SageMakerJobRole(stack, 'JobRole', { model: 'churn', key: new kms.Key(stack, 'Key'), reads: [], writes: [{ bucket, prefixes: ['models/churn'] }], images: [] })).toThrow(
      /prefix "models\/churn" must end with "\/"/,
    );
  });
});

describe('repositoryArn', () => {
  it.each([
    [IMAGE, 'arn:aws:ecr:eu-west-1:763104351884:repository/pytorch-training'],
    ['111111111111.dkr.ecr.us-east-1.amazonaws.com/team/model@sha256:abc', 'arn:aws:ecr:us-east-1:111111111111:repository/team/model'],
    ['111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn/model:1', 'arn:aws-cn:ecr:cn-north-1:111111111111:repository/model'],
  ])('%s → %s', (image, arn) => {
    expect(repositoryArn(image)).toBe(arn);
  });

  it('throws when the image is not in ECR', () => {
    expect(() => repositoryArn('docker.io/library/python:3')).toThrow('not an ECR image URI: docker.io/library/python:3');
  });
});
