import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../../lib/cdk-context';
import { FeatureStore, type FeatureStoreProps } from '../../../../lib/constructs/feature-store/feature-store';

function build(props: Partial<FeatureStoreProps> = {}) {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Test');
  const key = new kms.Key(stack, 'Key');
  const store = new FeatureStore(stack, 'FeatureStore', { encryptionKey: key, offlineBucket: new s3.Bucket(stack, 'Offline'), databaseName: 'gantry_test_features', ...props });
  return { stack, store };
}

describe('FeatureStore', () => {
  it('creates the online table keyed by entity and group, with TTL, on demand, PITR, KMS', () => {
    const template = Template.fromStack(build().stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'entityId', KeyType: 'HASH' },
        { AttributeName: 'featureGroup', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('turns deletion protection off when the table may be destroyed', () => {
    const template = Template.fromStack(build({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('catalogs the offline store in a Glue database located in the bucket', () => {
    const template = Template.fromStack(build().stack);
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: { Name: 'gantry_test_features', LocationUri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Offline') }]] } },
    });
  });

  it('grants online reads without writes, and writes to both stores', () => {
    const { stack, store } = build();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    store.grantReadOnline(reader);
    store.grantWrite(writer);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const actionsOf = (role: string) =>
      Object.values(policies)
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actionsOf('Reader')).toContain('dynamodb:BatchGetItem');
    expect(actionsOf('Reader')).not.toContain('dynamodb:PutItem');
    expect(actionsOf('Writer')).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 's3:PutObject', 'kms:GenerateDataKey']));
    expect(actionsOf('Writer').filter((a: string) => a.startsWith('dynamodb:') && a.includes('*'))).toEqual([]);
  });

  it('defines a Glue table per feature group over its offline prefix, with date partition projection', () => {
    const template = Template.fromStack(
      build({ groups: [{ name: 'customer-activity', features: [{ name: 'tenure_months', type: 'bigint' }, { name: 'plan_tier', type: 'string' }] }] }).stack,
    );
    template.resourceCountIs('AWS::Glue::Table', 1);
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'gantry_test_features',
      TableInput: {
        Name: 'customer_activity',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: 'event_date', Type: 'string' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.event_date.type': 'date', 'projection.event_date.format': 'yyyy-MM-dd' }),
        StorageDescriptor: {
          Location: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Offline') }, '/offline/customer_activity/']] },
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          Columns: [
            { Name: 'entity_id', Type: 'string' },
            { Name: 'event_time', Type: 'string' },
            { Name: 'write_time', Type: 'string' },
            { Name: 'tenure_months', Type: 'bigint' },
            { Name: 'plan_tier', Type: 'string' },
          ],
        },
      },
    });
  });

  it('throws when the database name is not one Athena accepts', () => {
    expect(() => build({ databaseName: 'Gantry-Features' })).toThrow(/FeatureStore databaseName must be lower case letters, digits and _ .*got "Gantry-Features"/);
  });
});
