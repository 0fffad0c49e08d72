import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { LakeZone } from '../../contract';
import { accessLogBucketProps, lakeBucketProps, type LakeLifecycle } from './defaults';

export interface DataLakeProps {
  /** Customer-managed key that encrypts every zone. */
  readonly encryptionKey: kms.IKey;
  /** Tiering and retention of the zone buckets. */
  readonly lifecycle: LakeLifecycle;
  /**
   * How long server access logs are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
  /**
   * What happens to the buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The data lake: one bucket per zone (raw, curated, features, artifacts, capture) plus the
 * bucket that receives their server access logs. Every bucket sends its object events to
 * EventBridge (Control Tower CT.S3.PR.4): the curated zone's trigger retraining, the others are
 * there for rules to use.
 */
export class DataLake extends Construct {
  /** Landing zone for source data, as delivered. */
  public readonly raw: s3.Bucket;
  /** Cleaned data that training reads; its new objects trigger the training pipelines. */
  public readonly curated: s3.Bucket;
  /** The offline feature store. */
  public readonly features: s3.Bucket;
  /** Models, checkpoints, baselines and reports. */
  public readonly artifacts: s3.Bucket;
  /** SageMaker endpoint data capture. */
  public readonly capture: s3.Bucket;
  /** Target of every zone's server access logs (SSE-S3, as S3 requires). */
  public readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', accessLogBucketProps({ retentionDays: props.accessLogRetentionDays ?? 365, removalPolicy }));
    const zoneBucket = (zoneId: string, zone: LakeZone): s3.Bucket => {
      const bucket = new s3.Bucket(this, zoneId, lakeBucketProps({ encryptionKey: props.encryptionKey, accessLogs: this.accessLogs, accessLogPrefix: `${zone}/`, lifecycle: props.lifecycle, removalPolicy }));
      Validations.of(bucket).acknowledge({
        id: 'CloudFormation-Validate::W9003',
        reason: 'CDK renders the lifecycle rule ObjectSizeGreaterThan as a number and CloudFormation coerces it to the string its schema names; the value is exact.',
      });
      return bucket;
    };
    this.raw = zoneBucket('Raw', 'raw');
    this.curated = zoneBucket('Curated', 'curated');
    this.features = zoneBucket('Features', 'features');
    this.artifacts = zoneBucket('Artifacts', 'artifacts');
    this.capture = zoneBucket('Capture', 'capture');

    for (const bucket of [this.accessLogs, this.raw, this.curated, this.features, this.artifacts, this.capture]) {
      // Native CloudFormation property instead of `eventBridgeEnabled: true`, which deploys a
      // custom-resource Lambda (untaggable, so invisible to cost reports) to do the same thing.
      (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }

  /** The bucket of a zone. */
  bucket(zone: LakeZone): s3.Bucket {
    return { raw: this.raw, curated: this.curated, features: this.features, artifacts: this.artifacts, capture: this.capture }[zone];
  }
}
