import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { LAKE_ZONES, modelTopicPattern, PARAMETER_KEYS } from '../contract';
import { DataLake } from '../constructs/data-lake/data-lake';
import { FeatureStore } from '../constructs/feature-store/feature-store';
import { ModelRegistry } from '../constructs/model-registry/model-registry';
import { PublishedNames } from '../constructs/published-names/published-names';

export interface DataStackProps extends StackProps {
  /** The validated stage config. */
  readonly config: StageConfig;
}

/**
 * The stateful stack: the stage's KMS key, the data lake, the feature store and the model
 * registry. In a retained stage nothing here is deleted with the stack.
 */
export class DataStack extends Stack {
  public readonly key: kms.Key;
  public readonly lake: DataLake;
  public readonly featureStore: FeatureStore;
  public readonly registry: ModelRegistry;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'Key', {
      description: `Gantry ${config.name}: encrypts the lake, the tables, logs and topics`,
      alias: `alias/gantry/${config.name}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // Log groups of the runtime and model stacks are encrypted with this key; CloudWatch Logs
    // can only use it for log groups of this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
      }),
    );

    // The stage's topics (gantry-<stage>-*) are encrypted with this key. CloudWatch alarm
    // actions, EventBridge rules, AWS Budgets and Cost Anomaly Detection publish to them, so
    // those services may use the key for these topics only (the SNS encryption context names it).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'budgets.amazonaws.com', 'costalerts.amazonaws.com'].map((p) => new iam.ServicePrincipal(p)),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': `arn:${this.partition}:sns:${this.region}:${this.account}:${modelTopicPattern(config.name)}` } },
      }),
    );

    // Grants only for AWS resources (Control Tower CT.KMS.PR.3): a grant that is neither asked
    // for by a KMS-integrated service on the caller's behalf (kms:GrantIsForAWSResource) nor by a
    // service principal (aws:PrincipalIsAWSService) is denied. The grants SageMaker and DynamoDB
    // create for the volumes, captures and tables they encrypt with this key carry
    // kms:GrantIsForAWSResource true, so they still work. BoolIfExists: a request without the
    // key counts as false.
    // https://docs.aws.amazon.com/kms/latest/developerguide/policy-conditions.html
    // https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsNotForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );

    this.lake = new DataLake(this, 'Lake', {
      encryptionKey: this.key,
      lifecycle: config.lake,
      accessLogRetentionDays: config.lake.accessLogRetentionDays,
      removalPolicy,
    });
    this.featureStore = new FeatureStore(this, 'FeatureStore', {
      encryptionKey: this.key,
      offlineBucket: this.lake.features,
      databaseName: `gantry_${config.name.replace(/-/g, '_')}_features`,
      groups: config.featureGroups,
      removalPolicy,
    });
    this.registry = new ModelRegistry(this, 'Registry', { encryptionKey: this.key, removalPolicy });

    const bucketNames = Object.fromEntries(LAKE_ZONES.map((zone) => [PARAMETER_KEYS.bucket(zone), this.lake.bucket(zone).bucketName]));
    new PublishedNames(this, 'Names', {
      stageName: config.name,
      values: {
        [PARAMETER_KEYS.registryTable]: this.registry.table.tableName,
        [PARAMETER_KEYS.featureTable]: this.featureStore.onlineTable.tableName,
        [PARAMETER_KEYS.kmsKeyArn]: this.key.keyArn,
        [PARAMETER_KEYS.glueDatabase]: this.featureStore.databaseName,
        ...bucketNames,
      },
    });
  }
}
