import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../../../lib/cdk-context';
import { GantryFunction, type GantryFunctionProps } from '../../../../lib/constructs/gantry-function/gantry-function';

// https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
const ENI_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];

function gantryFunction(props: Partial<GantryFunctionProps> & { inVpc?: boolean } = {}): { fn: GantryFunction; template: Template; group?: ec2.SecurityGroup } {
  const stack = new Stack(new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } }), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  let vpc: GantryFunctionProps['vpc'];
  let group: ec2.SecurityGroup | undefined;
  if (props.inVpc) {
    const network = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    group = new ec2.SecurityGroup(stack, 'Group', { vpc: network, allowAllOutbound: false });
    vpc = { vpc: network, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, securityGroup: group };
  }
  const fn = new GantryFunction(stack, 'Register', { handler: 'register', description: 'test', logKey: new kms.Key(stack, 'Key'), vpc, ...props });
  return { fn, template: Template.fromStack(stack), group };
}

const statements = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);

describe('GantryFunction', () => {
  // Control Tower CT.CLOUDWATCH.PR.2: https://docs.aws.amazon.com/controltower/latest/controlreference/cloudwatch-rules.html#ct-cloudwatch-pr-2-description
  it('keeps its logs a year by default, and as long as asked', () => {
    gantryFunction().template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    gantryFunction({ logRetention: logs.RetentionDays.TWO_YEARS }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });

  it('runs outside any VPC, with no EC2 permissions, when given none', () => {
    const { template } = gantryFunction();
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    expect(statements(template).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('ec2:'))).toEqual([]);
  });

  it('in a VPC runs in the given private subnets with the given group, its role allowed the network-interface actions, created after them', () => {
    const { template } = gantryFunction({ inVpc: true });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Group'), 'GroupId'] }],
      },
    });
    // CDK merges them with X-Ray's, the role's only other actions on "*".
    const onAnyResource = statements(template).filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(onAnyResource.sort()).toEqual([...ENI_ACTIONS, 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort());
    // No managed policy (AWSLambdaVPCAccessExecutionRole would also grant logs:* on "*").
    expect(Object.values(template.findResources('AWS::IAM::Role')).every((r) => r.Properties.ManagedPolicyArns === undefined)).toBe(true);
    // Lambda checks the role can manage interfaces when it creates the function.
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^RegisterRoleDefaultPolicy/)]));
  });

  it('acknowledges cdk-nag IAM5 Resource::* with the reason for every "*" its role holds', () => {
    const reason = (fn: GantryFunction) =>
      fn.role.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .filter(([id]) => id.endsWith('AwsSolutions-IAM5[Resource::*]'))
        .map(([, text]) => text);
    expect(reason(gantryFunction().fn)).toEqual([expect.stringMatching(/^X-Ray .*exactly these two actions\.$/)]);
    expect(reason(gantryFunction({ inVpc: true }).fn)).toEqual([expect.stringMatching(/X-Ray .* network-interface actions .* ec2:DescribeNetworkInterfaces works only on "\*"/)]);
  });
});
