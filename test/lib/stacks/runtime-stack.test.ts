import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../../lib/config';
import { testStage } from '../../support/app';

describe('RuntimeStack', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(testStage('prod').stage.runtime);
  });

  it('runs the register function on ARM64, the latest Node.js runtime, traced, with its table in the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ GANTRY_REGISTRY_TABLE: Match.anyValue(), NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('logs to its own KMS-encrypted log group, kept for the stage\'s logRetentionDays (365 by default)', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(9);
    expect(groups.every((g) => g.Properties.KmsKeyId !== undefined && g.Properties.RetentionInDays === 365)).toBe(true);
    const longer = Template.fromStack(testStage({ ...STAGES.dev!, logRetentionDays: 731 }).stage.runtime);
    expect(Object.values(longer.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays)).toEqual(Array(9).fill(731));
  });

  // Control Tower CT.LAMBDA.PR.3: https://docs.aws.amazon.com/controltower/latest/controlreference/lambda-rules.html#ct-lambda-pr-3-description
  it('runs every function in the stage VPC\'s private subnets with the functions\' own security group, and lets each role manage its interfaces', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(9);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig.SubnetIds).toHaveLength(2);
      expect(JSON.stringify(fn.Properties.VpcConfig.SecurityGroupIds)).toMatch(/NetworkFunctionSecurityGroup/);
      expect(JSON.stringify(fn.Properties.VpcConfig.SubnetIds)).toMatch(/NetworkVpcjobsSubnet1.*NetworkVpcjobsSubnet2/);
    }
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      const onAnyResource = (policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>).filter((st) => st.Resource === '*').flatMap((st) => [st.Action].flat());
      expect(onAnyResource).toEqual(expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']));
    }
  });

  it('runs the functions outside any VPC, with no EC2 permissions, in a stage without one', () => {
    const dev = Template.fromStack(testStage('dev').stage.runtime);
    expect(Object.values(dev.findResources('AWS::Lambda::Function')).every((fn) => fn.Properties.VpcConfig === undefined)).toBe(true);
    expect(JSON.stringify(dev.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
  });

  it('throws when the stage VPC has neither NAT gateways nor interface endpoints, naming both fields', () => {
    const isolated = { ...STAGES.prod!, vpc: { natGateways: 0, interfaceEndpoints: false } };
    expect(() => testStage(isolated)).toThrow(/vpc\.natGateways is 0 and vpc\.interfaceEndpoints is false/);
  });

  it('grants named table actions only: no action wildcards, no managed policies, no index/*', () => {
    // One role per function, none with managed policies.
    template.resourceCountIs('AWS::IAM::Role', 9);
    expect(Object.values(template.findResources('AWS::IAM::Role')).every((r) => r.Properties.ManagedPolicyArns === undefined)).toBe(true);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'kms:Decrypt', 'kms:GenerateDataKey']));
    expect(JSON.stringify(statements)).not.toContain('/index/*');
  });
});

describe('Lambda bundles', () => {
  it('bundle for real with the local esbuild, and no bundle contains aws-cdk-lib', () => {
    const { app } = testStage('dev', { bundling: true });
    const assembly = app.synth();
    // Lambda bundles are folders with an index.mjs; the model code assets are a .py and a .tar.gz.
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.') && existsSync(join(assembly.directory, d, 'index.mjs')));
    expect(assets).toHaveLength(9);
    expect(readdirSync(assembly.directory).some((d) => d.endsWith('.tar.gz'))).toBe(true);
    for (const asset of assets) {
      const code = readFileSync(join(assembly.directory, asset, 'index.mjs'), 'utf8');
      expect(code.length, asset).toBeGreaterThan(10_000);
      expect(code, asset).not.toContain('aws-cdk-lib');
      expect(code, asset).not.toMatch(/from\s*["']constructs["']/);
    }
  }, 120_000);
});
