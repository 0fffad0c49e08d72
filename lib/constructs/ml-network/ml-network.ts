import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { GantryFunctionVpc } from '../gantry-function/gantry-function';

export interface MlNetworkProps {
  /** The VPC's IPv4 range. */
  readonly cidr: string;
  readonly maxAzs: number;
  /** 0 gives isolated subnets reachable only through VPC endpoints. */
  readonly natGateways: number;
  /**
   * Interface endpoints for SageMaker, ECR, STS and CloudWatch Logs, so jobs need no internet
   * path; without NAT gateways also for what the Lambda functions call (Step Functions, SNS,
   * EventBridge, X-Ray).
   */
  readonly interfaceEndpoints: boolean;
  /** Key of the flow-log group. */
  readonly logKey: kms.IKey;
  /**
   * How long flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

// Interface endpoints the jobs need when they have no internet path.
const JOB_ENDPOINTS = {
  SageMakerApi: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
  SageMakerRuntime: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
};

// What the runtime functions call besides S3 and DynamoDB (gateway endpoints) and the SageMaker
// API (a job endpoint): rollback starts deploy workflows and notifies, drift emits events, every
// function sends traces. Service names:
// https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
const FUNCTION_ENDPOINTS = {
  StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
};

/**
 * The network SageMaker jobs, endpoints and the runtime functions run in: private subnets, free
 * S3 and DynamoDB gateway endpoints, optional interface endpoints, flow logs, one security group
 * for the jobs (open to itself, for distributed training between instances) and one for the
 * functions (HTTPS out only). Public subnets exist only for the NAT gateways and give nothing a
 * public address on launch (Control Tower CT.EC2.PR.11); the NAT gateways keep their Elastic IPs.
 */
export class MlNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly jobSecurityGroup: ec2.SecurityGroup;
  /** The Lambda functions' group: HTTPS to AWS APIs, nothing in. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;
  private readonly privateSubnetType: ec2.SubnetType;
  private readonly props: MlNetworkProps;

  constructor(scope: Construct, id: string, props: MlNetworkProps) {
    super(scope, id);
    this.props = props;
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { encryptionKey: props.logKey, retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.privateSubnetType = props.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs,
      natGateways: props.natGateways,
      subnetConfiguration: [
        ...(props.natGateways > 0 ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false }] : []),
        { name: 'jobs', subnetType: this.privateSubnetType, cidrMask: 20 },
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL } },
      // Gateway endpoints come at no charge
      // (https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html).
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      // CDK restricts the default group through a custom-resource Lambda that cannot carry cost
      // tags (the tag check refuses it). Nothing here uses the default group: every job and
      // endpoint gets jobSecurityGroup, every function functionSecurityGroup.
      restrictDefaultSecurityGroup: false,
    });
    this.jobSecurityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', { vpc: this.vpc, description: 'Gantry SageMaker jobs and endpoints', allowAllOutbound: true });
    this.jobSecurityGroup.addIngressRule(this.jobSecurityGroup, ec2.Port.allTraffic(), 'distributed training between the job instances');
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', { vpc: this.vpc, description: 'Gantry Lambda functions: HTTPS to AWS APIs only', allowAllOutbound: false });
    this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (gateway endpoints, interface endpoints or NAT)');

    if (props.interfaceEndpoints) {
      // Endpoints accept HTTPS from the jobs' and the functions' groups only, not from the VPC range.
      const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', { vpc: this.vpc, description: 'Gantry VPC interface endpoints', allowAllOutbound: false });
      endpointGroup.addIngressRule(this.jobSecurityGroup, ec2.Port.tcp(443), 'HTTPS from SageMaker jobs and endpoints');
      // With private DNS the functions' SageMaker calls resolve to the endpoint even when NAT exists.
      endpointGroup.addIngressRule(this.functionSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the Lambda functions');
      const services = { ...JOB_ENDPOINTS, ...(props.natGateways === 0 ? FUNCTION_ENDPOINTS : {}) };
      for (const [endpointId, service] of Object.entries(services)) {
        this.vpc.addInterfaceEndpoint(endpointId, { service, subnets: { subnetType: this.privateSubnetType }, securityGroups: [endpointGroup], open: false, privateDnsEnabled: true });
      }
    }
  }

  /** Subnet ids for SageMaker `VpcConfig`. */
  get jobSubnetIds(): string[] {
    return this.vpc.selectSubnets({ subnetType: this.privateSubnetType }).subnetIds;
  }

  /**
   * Where Lambda functions run: the private subnets with the functions' security group.
   * @throws when the VPC gives them no way to the AWS APIs they call (no NAT gateway and no
   * interface endpoints).
   */
  functionPlacement(): GantryFunctionVpc {
    if (this.props.natGateways === 0 && !this.props.interfaceEndpoints) {
      throw new Error(
        'vpc.natGateways is 0 and vpc.interfaceEndpoints is false: the Lambda functions in the VPC would reach S3 and DynamoDB (gateway endpoints) but not SageMaker, Step Functions, SNS, EventBridge or X-Ray. Set vpc.interfaceEndpoints to true (adds their interface endpoints) or vpc.natGateways to at least 1.',
      );
    }
    return { vpc: this.vpc, subnets: { subnetType: this.privateSubnetType }, securityGroup: this.functionSecurityGroup };
  }
}
