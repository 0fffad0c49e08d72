import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { accessLogBucketProps, lakeBucketProps, lakeLifecycleRules } from '../../../../lib/constructs/data-lake/defaults';
import { testApp } from '../../../support/app';

const lifecycle = { tieringMinObjectSizeBytes: 131_072, noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7 };

function lakeBucket(removalPolicy: RemovalPolicy) {
  const stack = new Stack(testApp(), 'Test');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs', accessLogBucketProps({ retentionDays: 90, removalPolicy }));
  new s3.Bucket(stack, 'Lake', lakeBucketProps({ encryptionKey: new kms.Key(stack, 'Key'), accessLogs, accessLogPrefix: 'curated/', lifecycle, removalPolicy }));
  return Template.fromStack(stack);
}

describe('lakeLifecycleRules', () => {
  it('tiers only objects above the size floor, expires old versions and aborts stale uploads', () => {
    const rules = lakeLifecycleRules(lifecycle);
    expect(rules.map((r) => r.id)).toEqual(['tier-large-objects', 'expire-noncurrent-versions', 'abort-incomplete-uploads']);
    expect(rules[0]).toMatchObject({ objectSizeGreaterThan: 131_072, transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING }] });
    expect(rules[0]!.transitions![0]!.transitionAfter!.toDays()).toBe(0);
    expect(rules[1]!.noncurrentVersionExpiration!.toDays()).toBe(30);
    expect(rules[2]!.abortIncompleteMultipartUploadAfter!.toDays()).toBe(7);
  });
});

describe('lakeBucketProps', () => {
  it('makes a KMS-encrypted (bucket key), versioned, private, TLS-only, access-logged bucket', () => {
    const template = lakeBucket(RemovalPolicy.RETAIN);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') }, LogFilePrefix: 'curated/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'tier-large-objects', ObjectSizeGreaterThan: 131_072 })]) },
    });
    // enforceSSL and the TLS floor become the bucket policy's two deny statements.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Lake') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('keeps the removal policy it is given', () => {
    lakeBucket(RemovalPolicy.RETAIN).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ LoggingConfiguration: Match.anyValue() }) });
    lakeBucket(RemovalPolicy.DESTROY).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ LoggingConfiguration: Match.anyValue() }) });
  });
});

describe('accessLogBucketProps', () => {
  it('uses SSE-S3, since S3 server access logging cannot deliver to a KMS-encrypted bucket, and expires the logs', () => {
    const template = lakeBucket(RemovalPolicy.RETAIN);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-access-logs', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]) },
    });
  });
});
