import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { grantTableAccess, secureTableProps } from '../../../lib/constructs/table-defaults';
import { testApp } from '../../support/app';

function build(removalPolicy: RemovalPolicy) {
  const stack = new Stack(testApp(), 'Test');
  const key = new kms.Key(stack, 'Key');
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, ...secureTableProps({ encryptionKey: key, removalPolicy }) });
  const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, key, table, role };
}

/** The statements of the caller's policy. */
function statements(stack: Stack): Array<{ Action: string | string[]; Resource: unknown }> {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('secureTableProps', () => {
  it('makes an on-demand table with point-in-time recovery, encrypted with the key, protected when retained', () => {
    const template = Template.fromStack(build(RemovalPolicy.RETAIN).stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('leaves a destroyable table unprotected', () => {
    Template.fromStack(build(RemovalPolicy.DESTROY).stack).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });
});

describe('grantTableAccess', () => {
  it('grants named read actions and the key\'s decrypt to a reader, and no write', () => {
    const { stack, key, table, role } = build(RemovalPolicy.DESTROY);
    grantTableAccess({ table, key, grantee: role, write: false });
    const actions = statements(stack).flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt', 'kms:DescribeKey']);
  });

  it('adds the write actions and the key\'s encrypt to a writer, with no action wildcard', () => {
    const { stack, key, table, role } = build(RemovalPolicy.DESTROY);
    grantTableAccess({ table, key, grantee: role, write: true });
    const actions = statements(stack).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'kms:Encrypt', 'kms:GenerateDataKey']));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('names each index it is given, never index/*', () => {
    const { stack, key, table, role } = build(RemovalPolicy.DESTROY);
    grantTableAccess({ table, key, grantee: role, write: false, indexes: ['gsi1'] });
    const [dynamo] = statements(stack).filter((s) => [s.Action].flat().includes('dynamodb:Query'));
    const resources = JSON.stringify(dynamo!.Resource);
    expect(resources).toContain('/index/gsi1');
    expect(resources).not.toContain('index/*');
    expect([dynamo!.Resource].flat()).toHaveLength(2);
  });
});
