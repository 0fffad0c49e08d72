import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../../nag';

/** A bucket, or the parts of it under some key prefixes, that a role may use. */
export interface BucketArea {
  readonly bucket: s3.IBucket;
  /**
   * Key prefixes, each ending in `/` (so `models/churn/` never reaches `models/churn-eu/`).
   * @default - the whole bucket
   */
  readonly prefixes?: readonly string[];
}

export interface SageMakerJobRoleProps {
  /** Model name, for the role's description. */
  readonly model: string;
  /** Key of the buckets and of job volumes and outputs. */
  readonly key: kms.IKey;
  /** What the jobs only read (training data). */
  readonly reads: readonly BucketArea[];
  /** What the jobs read and write (processed data, models, checkpoints, captured traffic). */
  readonly writes: readonly BucketArea[];
  /** Container images the jobs pull (ECR URIs). */
  readonly images: readonly string[];
  /**
   * The jobs run in a VPC: SageMaker then creates their network interfaces as this role.
   * @default false
   */
  readonly inVpc?: boolean;
}

/**
 * The execution role of one model's SageMaker jobs or endpoint: named actions on named
 * resources, no managed policies, its S3 access limited to the model's own key prefixes where
 * a bucket is shared by every model.
 */
export class SageMakerJobRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SageMakerJobRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // SageMaker acting for another account, or another region, may not assume the role: the
    // confused-deputy guard IAM recommends for service roles
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). SageMaker's own
    // pages do not say that it sends aws:SourceAccount and aws:SourceArn when it assumes an
    // execution role, and a condition on an absent key would refuse every job and endpoint, so
    // the keys are checked when present (…IfExists). docs/deployability.md lists this among what
    // a real account must confirm.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: {
          StringEqualsIfExists: { 'aws:SourceAccount': stack.account },
          ArnLikeIfExists: { 'aws:SourceArn': `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:*` },
        },
      }),
      description: `Gantry SageMaker jobs of model ${props.model}`,
    });
    for (const area of props.reads) this.grantArea(area, ['s3:GetObject']);
    for (const area of props.writes) this.grantArea(area, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload']);
    props.key.grant(this.role, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:CreateGrant');
    const sagemakerLogs = `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/sagemaker/*`;
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [sagemakerLogs] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [...new Set(props.images.map(repositoryArn))],
      }),
    );
    if (props.inVpc) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:CreateNetworkInterfacePermission',
            'ec2:DeleteNetworkInterface',
            'ec2:DeleteNetworkInterfacePermission',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeVpcs',
            'ec2:DescribeDhcpOptions',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
          ],
          resources: ['*'],
        }),
      );
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken and the EC2 Describe*/network-interface actions SageMaker uses in VPC mode have no resource-level permissions; cloudwatch:PutMetricData is limited to the SageMaker namespaces by condition.',
    });
    acknowledgeWildcardResource(this.role, sagemakerLogs, 'SageMaker creates its job log groups and streams under /aws/sagemaker/ with names it chooses at run time.');
  }

  /**
   * Object actions under the area's prefixes, and listing limited to them: SageMaker lists an
   * `S3Prefix` input or a checkpoint prefix before it reads
   * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html).
   */
  private grantArea(area: BucketArea, objectActions: readonly string[]): void {
    const { bucket } = area;
    const prefixes = area.prefixes ?? [''];
    for (const prefix of prefixes) {
      if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`SageMakerJobRole: prefix "${prefix}" must end with "/", or it would also match the keys of its longer siblings`);
    }
    const objects = prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: [...objectActions], resources: objects }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        ...(area.prefixes ? { conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } } } : {}),
      }),
    );
    for (const resource of objects) {
      acknowledgeWildcardResource(this.role, resource, 'Jobs read and write objects whose keys are chosen per run (data, checkpoints, outputs); access stays within this bucket area.');
    }
  }
}

/** `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG` → the repository's ARN. */
export function repositoryArn(image: string): string {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/.exec(image);
  if (!match) throw new Error(`not an ECR image URI: ${image}`);
  return `arn:${match[3] ? 'aws-cn' : 'aws'}:ecr:${match[2]}:${match[1]}:repository/${match[4]}`;
}
