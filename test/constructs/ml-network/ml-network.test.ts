import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../lib/cdk-context';
import { MlNetwork, type MlNetworkProps } from '../../../lib/constructs/ml-network/ml-network';
import { testStage } from '../../support/app';
import { resolveAsl } from '../../support/state-machine';

function network(props: Partial<MlNetworkProps> = {}): Template {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  new MlNetwork(stack, 'Network', { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1, interfaceEndpoints: true, logKey: new kms.Key(stack, 'Key'), ...props });
  return Template.fromStack(stack);
}

describe('MlNetwork', () => {
  it('builds the VPC from the config with flow logs to an encrypted log group and a free S3 gateway endpoint', () => {
    const template = network();
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }) });
    // No custom-resource Lambda: it could not carry the cost tags.
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('opens the interface endpoints to HTTPS from the jobs only', () => {
    const template = network();
    expect(Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))).toHaveLength(6);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: Match.anyValue() });
    const cidrIngress = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap((g) => (g.Properties.SecurityGroupIngress ?? []) as Array<{ CidrIp?: unknown }>).filter((r) => r.CidrIp !== undefined);
    expect(cidrIngress).toEqual([]);
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
    for (const state of ['Train', 'Compile']) {
      const vpc = (asl.States[state]!.Parameters as { VpcConfig?: { Subnets: string[]; SecurityGroupIds: string[] } }).VpcConfig;
      expect(vpc?.Subnets, state).toHaveLength(2);
      expect(vpc?.SecurityGroupIds, state).toHaveLength(1);
    }
    expect((asl.States.Preprocess!.Parameters as { NetworkConfig: { VpcConfig?: unknown } }).NetworkConfig.VpcConfig).toBeDefined();
    const actions = Object.values(modelTemplate.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions).toContain('ec2:CreateNetworkInterface');
  });

  it('has no network stack, and no EC2 permissions for the jobs, when the stage has no VPC', () => {
    const { stage } = testStage('dev');
    expect(stage.network).toBeUndefined();
    const actions = Object.values(Template.fromStack(stage.models.get('churn')!).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions.filter((a: string) => a.startsWith('ec2:'))).toEqual([]);
  });
});
