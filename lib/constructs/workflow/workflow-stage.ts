import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';

/** What a model's workflow takes from the stage it runs in. */
export interface WorkflowStage {
  /** The stage's name: part of the state machine's name and of every SageMaker name it creates. */
  readonly name: string;
  /** The stage key: encrypts the execution log and everything the workflow's SageMaker resources write. */
  readonly key: kms.IKey;
  /** The model's cost tags in this stage, passed to every SageMaker resource the workflow creates (CloudFormation cannot tag them). */
  readonly costTags: Readonly<Record<string, string>>;
  /** How long the workflow's execution log is kept. */
  readonly logRetention: logs.RetentionDays;
}

/** The private subnets and security group SageMaker jobs and endpoints run in (an `MlNetwork`). */
export interface JobNetwork {
  /** Subnet ids for SageMaker `VpcConfig`. */
  readonly jobSubnetIds: readonly string[];
  /** The security group of the jobs and endpoints. */
  readonly jobSecurityGroup: ec2.ISecurityGroup;
}

/** A `JobNetwork` as the `vpc` of the request builders. */
export function vpcConfigOf(network: JobNetwork | undefined): { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] } | undefined {
  return network ? { subnetIds: network.jobSubnetIds, securityGroupIds: [network.jobSecurityGroup.securityGroupId] } : undefined;
}
