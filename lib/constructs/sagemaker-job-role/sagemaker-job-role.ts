import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../../nag';

export interface SageMakerJobRoleProps {
  /** Model name, for the role's description. */
  readonly model: string;
  /** Key of the buckets and of job volumes and outputs. */
  readonly key: kms.IKey;
  /** Buckets the jobs only read (training data). */
  readonly readBuckets: readonly s3.IBucket[];
  /** Buckets the jobs read and write (processed data, models, checkpoints). */
  readonly writeBuckets: readonly s3.IBucket[];
  /** Container images the jobs pull (ECR URIs). */
  readonly images: readonly string[];
  /**
   * The jobs run in a VPC: SageMaker then creates their network interfaces as this role.
   * @default false
   */
  readonly inVpc?: boolean;
}

/** The execution role of one model's SageMaker jobs: named actions on named resources, no managed policies. */
export class SageMakerJobRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SageMakerJobRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Gantry SageMaker jobs of model ${props.model}`,
    });
    const bucketStatement = (buckets: readonly s3.IBucket[], actions: string[]) =>
      new iam.PolicyStatement({ actions, resources: buckets.flatMap((b) => [b.bucketArn, b.arnForObjects('*')]) });
    if (props.readBuckets.length > 0) this.role.addToPolicy(bucketStatement(props.readBuckets, ['s3:GetObject', 's3:ListBucket']));
    this.role.addToPolicy(bucketStatement(props.writeBuckets, ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:AbortMultipartUpload']));
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
    for (const bucket of [...props.readBuckets, ...props.writeBuckets]) {
      acknowledgeWildcardResource(this.role, bucket.arnForObjects('*'), 'Jobs read and write objects whose keys are chosen per run (data, checkpoints, outputs); access stays within this bucket.');
    }
  }
}

/** `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG` → the repository's ARN. */
export function repositoryArn(image: string): string {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/.exec(image);
  if (!match) throw new Error(`not an ECR image URI: ${image}`);
  return `arn:${match[3] ? 'aws-cn' : 'aws'}:ecr:${match[2]}:${match[1]}:repository/${match[4]}`;
}
