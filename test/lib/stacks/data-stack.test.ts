import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAKE_ZONES } from '../../../lib/contract';
import { dataTemplate } from '../../support/app';

describe('DataStack', () => {
  let prod: Template;
  let dev: Template;
  beforeAll(() => {
    prod = dataTemplate('prod');
    dev = dataTemplate('dev');
  });

  it('creates a rotating KMS key with an alias per stage', () => {
    prod.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    prod.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gantry/prod' });
  });

  it('lets CloudWatch Logs use the key only for log groups of its own account and region', () => {
    prod.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:*' } },
          }),
        ]),
      },
    });
  });

  it("lets CloudWatch alarms, EventBridge, Budgets and anomaly alerts publish to the stage's encrypted topics, and to no other", () => {
    prod.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com', 'costalerts.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:us-east-1:111111111111:gantry-prod-*' } },
          },
        ]),
      },
    });
    // No principal may use the key without a condition (CDK's SNS rule target would add one).
    const unconditioned = (prod.toJSON().Resources as Record<string, any>);
    const key = Object.values(unconditioned).find((r) => r.Type === 'AWS::KMS::Key')!;
    const services = (key.Properties.KeyPolicy.Statement as Array<{ Principal?: { Service?: unknown }; Condition?: unknown }>).filter((st) => st.Principal?.Service !== undefined);
    expect(services.every((st) => st.Condition !== undefined)).toBe(true);
  });

  // Control Tower CT.KMS.PR.3 (https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description),
  // condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html
  it('denies kms:CreateGrant to everyone unless a KMS-integrated service asks on their behalf or a service principal does', () => {
    for (const template of [prod, dev]) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'DenyGrantsNotForAwsResources',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:CreateGrant',
              Resource: '*',
              Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
            },
          ]),
        },
      });
    }
    // The deny is the key policy's only one: the grants SageMaker and DynamoDB create for the
    // stage's resources carry kms:GrantIsForAWSResource true and stay allowed.
    const key = Object.values(prod.findResources('AWS::KMS::Key'))[0]!;
    const denies = (key.Properties.KeyPolicy.Statement as Array<{ Effect: string }>).filter((st) => st.Effect === 'Deny');
    expect(denies).toHaveLength(1);
  });

  it('retains every stateful resource in prod and protects its tables', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::KMS::Key']) {
      const resources = Object.values(prod.findResources(type));
      expect(resources.length, type).toBeGreaterThan(0);
      expect(resources.every((r) => r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain'), type).toBe(true);
    }
    expect(Object.values(prod.findResources('AWS::DynamoDB::Table')).every((t) => t.Properties.DeletionProtectionEnabled === true)).toBe(true);
  });

  it('lets dev data go with the stack', () => {
    expect(Object.values(dev.findResources('AWS::DynamoDB::Table')).every((t) => t.DeletionPolicy === 'Delete' && t.Properties.DeletionProtectionEnabled === false)).toBe(true);
    expect(Object.values(dev.findResources('AWS::S3::Bucket')).every((b) => b.DeletionPolicy === 'Delete')).toBe(true);
  });

  it('names the Glue database after the stage', () => {
    prod.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'gantry_prod_features' } });
  });

  it('publishes table, bucket, key and database names under /gantry/<stage>/', () => {
    const names = Object.values(prod.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name as string);
    expect(names.sort()).toEqual(
      ['/gantry/prod/tables/registry', '/gantry/prod/tables/features', '/gantry/prod/kms/key-arn', '/gantry/prod/glue/database', ...LAKE_ZONES.map((z) => `/gantry/prod/buckets/${z}`)].sort(),
    );
    prod.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/prod/tables/registry', Value: { Ref: Match.stringLikeRegexp('^RegistryTable') } });
    prod.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/prod/buckets/curated', Value: { Ref: Match.stringLikeRegexp('^LakeCurated') } });
    const published = Object.values(prod.findOutputs('*')).filter((o) => String(o.Description).startsWith('/gantry/prod/'));
    expect(published).toHaveLength(names.length);
  });
});
