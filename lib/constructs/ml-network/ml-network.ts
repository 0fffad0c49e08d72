import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface MlNetworkProps {
  /** The VPC's IPv4 range. */
  readonly cidr: string;
  readonly maxAzs: number;
  /** 0 gives isolated subnets reachable only through VPC endpoints. */
  readonly natGateways: number;
  /** Interface endpoints for SageMaker, ECR, STS and CloudWatch Logs, so jobs need no internet path. */
  readonly interfaceEndpoints: boolean;
  /** Key of the flow-log group. */
  readonly logKey: kms.IKey;
}

/**
 * The network SageMaker jobs and endpoints run in: private subnets, a free S3 gateway
 * endpoint, optional interface endpoints, flow logs, and one security group for the jobs
 * (open to itself, for distributed training between instances).
 */
export class MlNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly jobSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MlNetworkProps) {
    super(scope, id);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { encryptionKey: props.logKey, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const privateType = props.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      subnetConfiguration: [
        ...(props.natGateways > 0 ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        { name: 'jobs', subnetType: privateType, cidrMask: 20 },
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL } },
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      // CDK restricts the default group through a custom-resource Lambda that cannot carry cost
      // tags (the tag check refuses it). Nothing here uses the default group: every job and
      // endpoint gets jobSecurityGroup.
      restrictDefaultSecurityGroup: false,
    });
    this.jobSecurityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', { vpc: this.vpc, description: 'Gantry SageMaker jobs and endpoints', allowAllOutbound: true });
    this.jobSecurityGroup.addIngressRule(this.jobSecurityGroup, ec2.Port.allTraffic(), 'distributed training between the job instances');
    if (props.interfaceEndpoints) {
      // Endpoints accept HTTPS from the jobs' group only, not from the whole VPC range.
      const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', { vpc: this.vpc, description: 'Gantry VPC interface endpoints', allowAllOutbound: false });
      endpointGroup.addIngressRule(this.jobSecurityGroup, ec2.Port.tcp(443), 'HTTPS from SageMaker jobs and endpoints');
      const services = {
        SageMakerApi: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
        SageMakerRuntime: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
        Sts: ec2.InterfaceVpcEndpointAwsService.STS,
        Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
        EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
        EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      };
      for (const [endpointId, service] of Object.entries(services)) {
        this.vpc.addInterfaceEndpoint(endpointId, { service, subnets: { subnetType: privateType }, securityGroups: [endpointGroup], open: false, privateDnsEnabled: true });
      }
    }
  }

  /** Subnet ids for SageMaker `VpcConfig`. */
  get jobSubnetIds(): string[] {
    return this.vpc.selectSubnets({ subnetType: this.vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;
  }
}
