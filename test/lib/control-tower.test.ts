import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import type { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineGantryApp } from '../../lib/app';
import { cdkJsonContext } from '../../lib/cdk-context';
import { loadAllStageConfigs } from '../../lib/config';
import { acknowledgementId, CONTROL_TOWER_PLUGIN_NAME, CONTROL_TOWER_RULES_DIR, CONTROLS, controlTowerOutcome, ControlTowerChecks, type ControlId } from '../../lib/control-tower';
import type { GantryStage } from '../../lib/stages/gantry-stage';
import { testApp, testStage } from '../support/app';

interface ReportedConstruct {
  readonly constructPath: string;
  readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string };
}
interface ReportedViolation {
  readonly ruleName: string;
  readonly violatingConstructs: readonly ReportedConstruct[];
  readonly acknowledgedId?: string;
  readonly acknowledgedAt?: string;
  readonly reason?: string;
}
interface PluginReport {
  readonly pluginName: string;
  readonly violations: readonly ReportedViolation[];
  readonly suppressedViolations?: readonly ReportedViolation[];
}

function readReport(directory: string): PluginReport[] {
  return (JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as { pluginReports: PluginReport[] }).pluginReports;
}

/** Synthesizes; a failed validation throws after the report is written, so the report is returned either way. */
function synthesize(app: App): { reports: PluginReport[]; error?: Error; assembly?: CloudAssembly } {
  try {
    const assembly = app.synth();
    return { reports: readReport(assembly.directory), assembly };
  } catch (error) {
    return { reports: readReport(app.outdir), error: error as Error };
  }
}

const controlTower = (reports: readonly PluginReport[]) => reports.filter((r) => r.pluginName === CONTROL_TOWER_PLUGIN_NAME);
const findings = (reports: readonly PluginReport[], kind: 'violations' | 'suppressedViolations') =>
  controlTower(reports).flatMap((r) => (r[kind] ?? []).flatMap((v) => v.violatingConstructs.map((c) => ({ ...v, construct: c }))));

/** The bundled files of a control: the rule its guard file defines and the types its metadata lists. */
function bundledControl(control: string): { rules: string[]; resourceTypes: string[] } {
  const file = control.toLowerCase().replace(/\./g, '-');
  const guard = readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith(`/${file}.guard`));
  if (!guard) throw new Error(`no bundled guard file for ${control}`);
  const metadataFile = join(dirname(CONTROL_TOWER_RULES_DIR), 'metadata', `${guard.replace(/\.guard$/, '')}.metadata.json`);
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as { Id: string; EvaluatedResourceTypes: string[] };
  expect(metadata.Id).toBe(control);
  const rules = [...readFileSync(join(CONTROL_TOWER_RULES_DIR, guard), 'utf8').matchAll(/^rule ([a-z0-9_]+) when/gm)].map((m) => m[1]!);
  return { rules: [...new Set(rules)], resourceTypes: metadata.EvaluatedResourceTypes };
}

/** The value a cross-stack reference (Fn::GetStackOutput or Fn::ImportValue) reads, and the stack that produces it. */
function produced(reference: unknown, stacks: readonly CloudFormationStackArtifact[]): { stackName: string; value: unknown } {
  const ref = reference as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string }; 'Fn::ImportValue'?: string };
  const outputs = (stack: CloudFormationStackArtifact) => (stack.template.Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>;
  if (ref['Fn::GetStackOutput']) {
    const { StackName, OutputName } = ref['Fn::GetStackOutput'];
    const stack = stacks.find((s) => s.stackName === StackName);
    return { stackName: StackName, value: stack && outputs(stack)[OutputName]?.Value };
  }
  if (ref['Fn::ImportValue']) {
    for (const stack of stacks) {
      const output = Object.values(outputs(stack)).find((o) => o.Export?.Name === ref['Fn::ImportValue']);
      if (output) return { stackName: stack.stackName, value: output.Value };
    }
  }
  throw new Error(`not a cross-stack reference: ${JSON.stringify(reference)}`);
}

function resourceOf(assembly: CloudAssembly, construct: ReportedConstruct): { stack: CloudFormationStackArtifact; properties: Record<string, unknown> } {
  const resource = construct.cloudFormationResource!;
  const stack = assembly.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks).find((s) => resource.templatePath.endsWith(s.templateFile))!;
  return { stack, properties: (stack.template.Resources[resource.logicalId] as { Properties: Record<string, unknown> }).Properties };
}

const stageStacks = (assembly: CloudAssembly, stage: GantryStage) => assembly.getNestedAssembly(stage.artifactId).stacks;
const logicalIdsOfType = (stack: CloudFormationStackArtifact, type: string) =>
  Object.entries(stack.template.Resources as Record<string, { Type: string }>).filter(([, r]) => r.Type === type).map(([id]) => id);

describe('AWS Control Tower proactive controls in the synth', () => {
  // One synth of both shipped stages, shared: cfn-guard takes seconds per stage.
  let stages: GantryStage[];
  let reports: PluginReport[];
  let assembly: CloudAssembly;
  beforeAll(() => {
    const app = testApp();
    stages = defineGantryApp(app, loadAllStageConfigs());
    const result = synthesize(app);
    if (result.error) throw result.error;
    reports = result.reports;
    assembly = result.assembly!;
  });

  it('runs on every shipped stage and leaves no finding unacknowledged', () => {
    expect(stages.map((s) => s.stageName)).toEqual(['Gantry-dev', 'Gantry-prod']);
    // All stages' plugins run before the synth fails, so one report names the findings of each stage.
    expect(findings(reports, 'violations').map((f) => `${f.ruleName} ${f.construct.constructPath}`)).toEqual([]);
    const checked = new Set(findings(reports, 'suppressedViolations').map((f) => f.construct.constructPath.split('/')[0]));
    expect([...checked].sort()).toEqual(['Gantry-dev', 'Gantry-prod']);
    expect(controlTowerOutcome(assembly.directory).unacknowledged).toBe(0);
  });

  it('meets CT.KMS.PR.3, CT.S3.PR.4, CT.CLOUDWATCH.PR.2 and CT.EC2.PR.11 outright: nothing acknowledges them', () => {
    const fixed = ['kms_create_grant_aws_service_check', 's3_event_notifications_enabled_check', 'cloudwatch_log_group_retention_period_check', 'subnet_auto_assign_public_ip_disabled_check'];
    expect(fixed.map((rule) => [rule, bundledControlOfRule(rule)])).toEqual([
      ['kms_create_grant_aws_service_check', 'CT.KMS.PR.3'],
      ['s3_event_notifications_enabled_check', 'CT.S3.PR.4'],
      ['cloudwatch_log_group_retention_period_check', 'CT.CLOUDWATCH.PR.2'],
      ['subnet_auto_assign_public_ip_disabled_check', 'CT.EC2.PR.11'],
    ]);
    expect(findings(reports, 'suppressedViolations').filter((f) => fixed.includes(f.ruleName))).toEqual([]);
  });

  it('every acknowledgement names a bundled control and a resource of a type it evaluates, and suppresses a finding there', () => {
    const suppressedAt = new Set(findings(reports, 'suppressedViolations').map((f) => `${f.acknowledgedId} ${f.acknowledgedAt}`));
    let acknowledgements = 0;
    for (const stage of stages) {
      for (const construct of stage.node.findAll()) {
        for (const entry of construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
            if (!id.startsWith(`${CONTROL_TOWER_PLUGIN_NAME}::`)) continue;
            acknowledgements++;
            const control = (Object.keys(CONTROLS) as ControlId[]).find((c) => acknowledgementId(c) === id);
            expect(control, id).toBeDefined();
            expect(reason.startsWith(`${control} (`), reason).toBe(true);
            const bundled = bundledControl(control!);
            expect(bundled.rules).toContain(CONTROLS[control!].rule);
            expect(resourceTypesIn(construct).some((type) => bundled.resourceTypes.includes(type)), `${construct.node.path} has no ${bundled.resourceTypes.join('/')}`).toBe(true);
            expect(suppressedAt.has(`${id} ${construct.node.path}`), `${id} on ${construct.node.path} suppresses nothing`).toBe(true);
          }
        }
      }
    }
    expect(acknowledgements).toBeGreaterThan(0);
  });

  it('gives each control of the exception list its documentation link and bundled rule', () => {
    for (const [id, control] of Object.entries(CONTROLS)) {
      expect(bundledControl(id).rules, id).toContain(control.rule);
      expect(control.url, id).toMatch(new RegExp(`^https://docs\\.aws\\.amazon\\.com/controltower/latest/controlreference/[a-z0-9]+-rules\\.html#${id.toLowerCase().replace(/\./g, '-')}-description$`));
    }
  });

  it('acknowledges CT.CLOUDWATCH.PR.3 only on log groups whose KmsKeyId resolves to the stage key in the data stack', () => {
    for (const stage of stages) {
      const stacks = stageStacks(assembly, stage);
      const data = stacks.find((s) => s.stackName === stage.data.stackName)!;
      const [keyId] = logicalIdsOfType(data, 'AWS::KMS::Key');
      const acknowledged = findings(reports, 'suppressedViolations').filter((f) => f.ruleName === CONTROLS['CT.CLOUDWATCH.PR.3'].rule && f.construct.constructPath.startsWith(`${stage.stageName}/`));
      // Every log group of the stage lives outside the data stack.
      const logGroups = stacks.reduce((n, s) => n + logicalIdsOfType(s, 'AWS::Logs::LogGroup').length, 0);
      expect(acknowledged.length, stage.stageName).toBe(logGroups);
      for (const finding of acknowledged) {
        const { properties } = resourceOf(assembly, finding.construct);
        expect(produced(properties.KmsKeyId, stacks), finding.construct.constructPath).toEqual({ stackName: stage.data.stackName, value: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      }
    }
  });

  it('acknowledges CT.LAMBDA.PR.3 in prod only on functions whose VpcConfig resolves to the private subnets and the functions\' group', () => {
    const prod = stages.find((s) => s.config.vpc)!;
    const stacks = stageStacks(assembly, prod);
    const network = stacks.find((s) => s.stackName === prod.network!.stackName)!;
    const subnets = (network.template.Resources as Record<string, { Type: string; Properties: { Tags?: Array<{ Key: string; Value: string }>; MapPublicIpOnLaunch?: boolean } }>);
    const jobSubnets = Object.entries(subnets).filter(([, r]) => r.Type === 'AWS::EC2::Subnet' && r.Properties.Tags?.some((t) => t.Key === 'aws-cdk:subnet-name' && t.Value === 'jobs')).map(([id]) => ({ Ref: id }));
    expect(jobSubnets).toHaveLength(2);
    const functionGroup = Stack.of(prod.network!.network.functionSecurityGroup).getLogicalId(prod.network!.network.functionSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const acknowledged = findings(reports, 'suppressedViolations').filter((f) => f.ruleName === CONTROLS['CT.LAMBDA.PR.3'].rule && f.construct.constructPath.startsWith('Gantry-prod/'));
    expect(acknowledged).toHaveLength(9);
    for (const finding of acknowledged) {
      const vpcConfig = resourceOf(assembly, finding.construct).properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(vpcConfig.SubnetIds.map((id) => produced(id, stacks))).toEqual(jobSubnets.map((value) => ({ stackName: network.stackName, value })));
      expect(vpcConfig.SecurityGroupIds.map((id) => produced(id, stacks))).toEqual([{ stackName: network.stackName, value: { 'Fn::GetAtt': [functionGroup, 'GroupId'] } }]);
    }
    // In dev, which has no VPC, the reason says so.
    const dev = findings(reports, 'suppressedViolations').filter((f) => f.ruleName === CONTROLS['CT.LAMBDA.PR.3'].rule && f.construct.constructPath.startsWith('Gantry-dev/'));
    expect(dev).toHaveLength(9);
    expect(dev.every((f) => f.reason?.includes('the dev stage has no VPC'))).toBe(true);
  });

  it('summarizes the outcome for npm start', () => {
    const outcome = controlTowerOutcome(assembly.directory);
    expect(outcome.controls).toEqual(Object.keys(CONTROLS).sort());
    expect(outcome.acknowledged).toBe(findings(reports, 'suppressedViolations').length);
  });
});

/** The control a bundled rule belongs to, from its guard file's message. */
function bundledControlOfRule(rule: string): string | undefined {
  for (const file of readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.guard'))) {
    const text = readFileSync(join(CONTROL_TOWER_RULES_DIR, file), 'utf8');
    if (new RegExp(`^rule ${rule} when`, 'm').test(text)) return /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1];
  }
  return undefined;
}

/** The CloudFormation types of a construct and what it contains. */
function resourceTypesIn(construct: IConstruct): string[] {
  return construct.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)).map((c) => c.cfnResourceType);
}

describe('a non-compliant resource planted in a stage', () => {
  let reports: PluginReport[];
  let error: Error | undefined;
  beforeAll(() => {
    const { app, stage } = testStage('dev');
    // Buckets with no event notifications (CT.S3.PR.4), among others.
    new s3.Bucket(stage.data, 'Planted');
    const byControlId = new s3.Bucket(stage.data, 'AcknowledgedByControlId');
    Validations.of(byControlId).acknowledge({ id: 'CT.S3.PR.4', reason: 'test: the control id is not the finding id' });
    const byRule = new s3.Bucket(stage.data, 'AcknowledgedByRule');
    Validations.of(byRule).acknowledge({ id: `${CONTROL_TOWER_PLUGIN_NAME}::s3_event_notifications_enabled_check`, reason: 'test: plugin namespace and guard rule' });
    ({ reports, error } = synthesize(app));
  });

  it('fails the synth, naming the bucket and the control', () => {
    expect(error?.message).toMatch(/\[CT\.S3\.PR\.4\][\s\S]*Gantry-dev\/Data\/Planted\/Resource/);
    const unacknowledged = findings(reports, 'violations').filter((f) => f.ruleName === 's3_event_notifications_enabled_check').map((f) => f.construct.constructPath);
    expect(unacknowledged).toContain('Gantry-dev/Data/Planted/Resource');
  });

  it('is suppressed by an acknowledgement `<plugin>::<guard rule>` on it, and not by the control id', () => {
    const rule = (kind: 'violations' | 'suppressedViolations') => findings(reports, kind).filter((f) => f.ruleName === 's3_event_notifications_enabled_check').map((f) => f.construct.constructPath);
    expect(rule('violations')).toContain('Gantry-dev/Data/AcknowledgedByControlId/Resource');
    expect(rule('violations')).not.toContain('Gantry-dev/Data/AcknowledgedByRule/Resource');
    expect(rule('suppressedViolations')).toEqual(['Gantry-dev/Data/AcknowledgedByRule/Resource']);
  });
});

describe('ControlTowerChecks', () => {
  it('finds what the stock CfnGuardValidator finds, running only the rule files of the types present', () => {
    const app = new App({ context: cdkJsonContext(), outdir: mkdtempSync(join(tmpdir(), 'gantry-ct-')) });
    const stack = new Stack(new Stage(app, 'Small'), 'Small');
    new s3.Bucket(stack, 'Bucket');
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK });
    new ec2.CfnSubnet(stack, 'Subnet', { vpcId: 'vpc-0123456789abcdef0', cidrBlock: '10.0.0.0/24', mapPublicIpOnLaunch: true });
    const assembly = app.synth();
    const context = { templatePaths: assembly.nestedAssemblies[0]!.nestedAssembly.stacks.map((s) => s.templateFullPath), stackTemplates: [], appConstruct: app };
    const key = (report: { violations: ReadonlyArray<{ ruleName: string; violatingResources: ReadonlyArray<{ resourceLogicalId?: string }> }> }) =>
      report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId}`)).sort();
    const ours = key(new ControlTowerChecks().validate(context));
    expect(ours).toEqual(key(new CfnGuardValidator().validate(context)));
    expect(ours).toEqual(expect.arrayContaining([expect.stringMatching(/^s3_event_notifications_enabled_check Bucket/), expect.stringMatching(/^cloudwatch_log_group_retention_period_check Logs/), 'subnet_auto_assign_public_ip_disabled_check Subnet']));
  });

  it('skips no bundled rule: every rule file names the resource type it evaluates', () => {
    const files = readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.guard'));
    expect(files.length).toBeGreaterThan(200);
    expect(files.filter((f) => !/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(readFileSync(join(CONTROL_TOWER_RULES_DIR, f), 'utf8')))).toEqual([]);
  });
});
