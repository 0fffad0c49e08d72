import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../../lib/cdk-context';
import { MlNetwork, type MlNetworkProps } from '../../../../lib/constructs/ml-network/ml-network';
import { STAGES } from '../../../../lib/config';
import { testStage } from '../../../support/app';
import { resolveAsl } from '../../../../tools/local/state-machine';

function mlNetwork(props: Partial<MlNetworkProps> = {}): { network: MlNetwork; template: () => Template } {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const network = new MlNetwork(stack, 'Network', { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1, interfaceEndpoints: true, logKey: new kms.Key(stack, 'Key'), ...props });
  return { network, template: () => Template.fromStack(stack) };
}

function network(props: Partial<MlNetworkProps> = {}): Template {
  return mlNetwork(props).template();
}

const interfaceServices = (template: Template) =>
  Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } })).map((e) => String(e.Properties.ServiceName).replace('com.amazonaws.us-east-1.', '')).sort();

describe('MlNetwork', () => {
  it('builds the VPC from the config with flow logs to an encrypted log group kept a year, and free S3 and DynamoDB gateway endpoints', () => {
    const template = network();
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    // Control Tower CT.CLOUDWATCH.PR.2: https://docs.aws.amazon.com/controltower/latest/controlreference/cloudwatch-rules.html#ct-cloudwatch-pr-2-description
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    for (const service of ['.s3', '.dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([service])]) }) });
    }
    // No custom-resource Lambda: it could not carry the cost tags.
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('keeps flow logs as long as the stage asks', () => {
    network({ logRetention: logs.RetentionDays.TWO_YEARS }).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });

  // Control Tower CT.EC2.PR.11: https://docs.aws.amazon.com/controltower/latest/controlreference/ec2-rules.html#ct-ec2-pr-11-description
  it('gives nothing in the public subnets a public address on launch; the NAT gateway keeps its Elastic IP', () => {
    const template = network();
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    expect(subnets.map((s) => s.Properties.MapPublicIpOnLaunch)).toEqual([false, false, false, false]);
    template.resourceCountIs('AWS::EC2::EIP', 1);
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: { 'Fn::GetAtt': [Match.stringLikeRegexp('EIP'), 'AllocationId'] } });
  });

  it('opens the interface endpoints to HTTPS from the jobs and the functions only', () => {
    const template = network();
    expect(interfaceServices(template)).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'sagemaker.api', 'sagemaker.runtime', 'sts']);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 443 } }));
    expect(ingress.map((r) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).sort()).toEqual([expect.stringMatching(/^NetworkFunctionSecurityGroup/), expect.stringMatching(/^NetworkJobSecurityGroup/)]);
    const cidrIngress = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap((g) => (g.Properties.SecurityGroupIngress ?? []) as Array<{ CidrIp?: unknown }>).filter((r) => r.CidrIp !== undefined);
    expect(cidrIngress).toEqual([]);
  });

  it('gives the Lambda functions a group of their own: HTTPS out only, nothing in, in the private subnets', () => {
    const { network: net, template } = mlNetwork();
    const placement = net.functionPlacement();
    expect(placement.securityGroup).toBe(net.functionSecurityGroup);
    expect(net.vpc.selectSubnets(placement.subnets).subnets).toEqual(net.vpc.privateSubnets);
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Gantry Lambda functions: HTTPS to AWS APIs only',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('without NAT gateways adds interface endpoints for what the functions call: Step Functions, SNS, EventBridge, X-Ray', () => {
    const { network: net, template } = mlNetwork({ natGateways: 0 });
    expect(interfaceServices(template())).toEqual(['ecr.api', 'ecr.dkr', 'events', 'logs', 'sagemaker.api', 'sagemaker.runtime', 'sns', 'states', 'sts', 'xray']);
    expect(net.vpc.selectSubnets(net.functionPlacement().subnets).subnets).toEqual(net.vpc.isolatedSubnets);
  });

  it('throws when functions in the VPC would have no way to the AWS APIs: no NAT gateway and no interface endpoints', () => {
    const { network: net } = mlNetwork({ natGateways: 0, interfaceEndpoints: false });
    expect(() => net.functionPlacement()).toThrow(/vpc\.natGateways is 0 and vpc\.interfaceEndpoints is false.*Set vpc\.interfaceEndpoints to true .* or vpc\.natGateways to at least 1/);
  });

  it('with no NAT gateway uses isolated subnets and no public ones', () => {
    const template = network({ natGateways: 0, interfaceEndpoints: false });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    expect(Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))).toHaveLength(0);
  });
});

describe('a stage with a VPC', () => {
  it('runs the training jobs in its private subnets with the job security group, and lets the job role manage their interfaces', () => {
    const { stage } = testStage('prod');
    expect(stage.network).toBeDefined();
    const modelTemplate = Template.fromStack(stage.models.get('churn')!);
    const asl = resolveAsl(modelTemplate.toJSON(), '/Training/StateMachine/', { producers: [stage.data, stage.runtime, stage.network!].map((s) => Template.fromStack(s).toJSON()) }).definition;
    // prod's neuronx compiler traces at load (no Compile state); Preprocess is checked below.
    for (const state of ['Train']) {
      const vpc = (asl.States[state]!.Parameters as { VpcConfig?: { Subnets: string[]; SecurityGroupIds: string[] } }).VpcConfig;
      expect(vpc?.Subnets, state).toHaveLength(2);
      expect(vpc?.SecurityGroupIds, state).toHaveLength(1);
    }
    expect((asl.States.Preprocess!.Parameters as { NetworkConfig: { VpcConfig?: unknown } }).NetworkConfig.VpcConfig).toBeDefined();
    const actions = Object.values(modelTemplate.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions).toContain('ec2:CreateNetworkInterface');
  });

  it("keeps flow logs for the stage's logRetentionDays", () => {
    const { stage } = testStage({ ...STAGES.prod!, logRetentionDays: 1827 });
    Template.fromStack(stage.network!).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 1827 });
  });

  it('has no network stack, and no EC2 permissions for the jobs, when the stage has no VPC', () => {
    const { stage } = testStage('dev');
    expect(stage.network).toBeUndefined();
    const actions = Object.values(Template.fromStack(stage.models.get('churn')!).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions.filter((a: string) => a.startsWith('ec2:'))).toEqual([]);
  });
});
