import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../../lib/cdk-context';
import { DataLake } from '../../../../lib/constructs/data-lake/data-lake';

const lifecycle = { tieringMinObjectSizeBytes: 131072, noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7 };

function lakeTemplate(removalPolicy?: RemovalPolicy): { template: Template; lake: DataLake; stack: Stack } {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Test');
  const lake = new DataLake(stack, 'Lake', { encryptionKey: new kms.Key(stack, 'Key'), lifecycle, removalPolicy });
  return { template: Template.fromStack(stack), lake, stack };
}

describe('DataLake', () => {
  let template: Template;
  beforeAll(() => {
    template = lakeTemplate().template;
  });

  it('creates five zone buckets and one access-log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 6);
  });

  it('encrypts every zone with the KMS key and a bucket key, versions it and blocks public access', () => {
    const zones = template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } });
    expect(Object.keys(zones)).toHaveLength(5);
    for (const [, zone] of Object.entries(zones)) {
      expect(zone.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } } },
      ]);
      expect(zone.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(zone.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(zone.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('logs each zone to the log bucket under its own prefix', () => {
    for (const zone of ['raw', 'curated', 'features', 'artifacts', 'capture']) {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^LakeAccessLogs') }, LogFilePrefix: `${zone}/` },
      });
    }
  });

  it('encrypts the log bucket with SSE-S3, as S3 requires of log targets, and lets only the logging service write', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: Match.absent(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^LakeAccessLogs') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });

  it('denies every request without TLS 1.2 on every bucket', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(6);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  it('tiers large objects, expires noncurrent versions and aborts incomplete uploads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      LifecycleConfiguration: {
        Rules: [
          { Id: 'tier-large-objects', Status: 'Enabled', ObjectSizeGreaterThan: 131072, Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }] },
          { Id: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
          { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
        ],
      },
    });
  });

  // Control Tower CT.S3.PR.4: https://docs.aws.amazon.com/controltower/latest/controlreference/s3-rules.html#ct-s3-pr-4-description
  it('sends EventBridge notifications from every bucket, natively (no custom-resource Lambda)', () => {
    const notifying = template.findResources('AWS::S3::Bucket', { Properties: { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } } });
    expect(Object.keys(notifying).sort()).toEqual(['LakeAccessLogs', 'LakeArtifacts', 'LakeCapture', 'LakeCurated', 'LakeFeatures', 'LakeRaw'].map((id) => expect.stringMatching(new RegExp(`^${id}[0-9A-F]{8}$`))));
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('retains buckets by default and destroys them when asked', () => {
    expect(Object.values(template.findResources('AWS::S3::Bucket')).every((b) => b.DeletionPolicy === 'Retain')).toBe(true);
    const destroyed = lakeTemplate(RemovalPolicy.DESTROY).template.findResources('AWS::S3::Bucket');
    expect(Object.values(destroyed).every((b) => b.DeletionPolicy === 'Delete')).toBe(true);
  });

  it('hands out each zone by name', () => {
    const { lake } = lakeTemplate();
    expect(lake.bucket('curated')).toBe(lake.curated);
    expect(lake.bucket('capture')).toBe(lake.capture);
  });
});
