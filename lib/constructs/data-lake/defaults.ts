import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Tiering and retention of the lake's buckets. */
export interface LakeLifecycle {
  /** Objects larger than this move to Intelligent-Tiering at once. */
  readonly tieringMinObjectSizeBytes: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly abortIncompleteUploadDays: number;
}

/**
 * Lifecycle rules for a lake bucket. Small objects stay in Standard: Intelligent-Tiering bills
 * a monitoring fee per object and never tiers objects under 128 KiB.
 */
export function lakeLifecycleRules(lifecycle: LakeLifecycle): s3.LifecycleRule[] {
  return [
    {
      id: 'tier-large-objects',
      objectSizeGreaterThan: lifecycle.tieringMinObjectSizeBytes,
      transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) }],
    },
    { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(lifecycle.noncurrentVersionExpirationDays) },
    { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(lifecycle.abortIncompleteUploadDays) },
  ];
}

/** The secure defaults of every lake bucket: KMS with a bucket key, versioned, TLS-only, private, access-logged. */
export function lakeBucketProps(options: {
  readonly encryptionKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
  readonly accessLogPrefix: string;
  readonly lifecycle: LakeLifecycle;
  readonly removalPolicy: RemovalPolicy;
}): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: options.encryptionKey,
    // A bucket key cuts KMS requests (and their cost) by orders of magnitude on busy zones.
    bucketKeyEnabled: true,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: options.accessLogs,
    serverAccessLogsPrefix: options.accessLogPrefix,
    lifecycleRules: lakeLifecycleRules(options.lifecycle),
    removalPolicy: options.removalPolicy,
  };
}

/**
 * The access-log target. S3 server access logging cannot deliver to a KMS-encrypted bucket or
 * one with Object Lock (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html),
 * so this one uses SSE-S3; it holds no data, only request logs.
 */
export function accessLogBucketProps(options: { readonly retentionDays: number; readonly removalPolicy: RemovalPolicy }): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      { id: 'expire-access-logs', expiration: Duration.days(options.retentionDays), noncurrentVersionExpiration: Duration.days(1) },
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: options.removalPolicy,
  };
}
