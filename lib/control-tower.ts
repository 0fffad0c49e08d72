import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { Stack, Validations, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GantryStage } from './stages/gantry-stage';

/*
 * AWS Control Tower's proactive controls, checked in the synth by cfn-guard with the rules
 * @cdklabs/cdk-validator-cfnguard bundles, beside cdk-nag. A control Gantry cannot meet on a
 * resource is an exception below: named, with its documentation link, for that resource only,
 * with the reason. Everything else must pass, or the synth fails.
 */

/** The rules bundled with @cdklabs/cdk-validator-cfnguard, one folder per service. */
export const CONTROL_TOWER_RULES_DIR = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/**
 * The validation report names a cfn-guard finding after the guard rule (e.g.
 * `s3_bucket_object_lock_enabled_check`) in the plugin's namespace: an acknowledgement id is
 * `cdk-validator-cfnguard::<rule>`, never the control id.
 */
export const CONTROL_TOWER_PLUGIN_NAME = new CfnGuardValidator({ controlTowerRulesEnabled: false }).name;

const TYPE_LITERAL = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The bundled Control Tower rules as a policy-validation plugin. cfn-guard's time grows with
 * rules × template size (about 6 s for the dev stage with all 237 rule files, on 2 cores), so
 * each run gets only the rule files that name a resource type the templates contain: a rule
 * whose type is absent can only SKIP. Every bundled file names its type (a test checks it).
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  public readonly name = CONTROL_TOWER_PLUGIN_NAME;
  public readonly version = new CfnGuardValidator({ controlTowerRulesEnabled: false }).version;
  private readonly ruleFiles = readdirSync(CONTROL_TOWER_RULES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .map((file) => {
      const path = join(CONTROL_TOWER_RULES_DIR, file);
      return { path, types: new Set(readFileSync(path, 'utf8').match(TYPE_LITERAL) ?? []) };
    });

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const present = new Set(context.templatePaths.flatMap((path) => Object.values((JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, { Type: string }> }).Resources ?? {}).map((r) => r.Type)));
    const rules = this.ruleFiles.filter((file) => [...file.types].some((type) => present.has(type))).map((file) => file.path);
    if (rules.length === 0) return { success: true, violations: [] };
    // cfn-guard's JSON report outgrows Node's 1 MiB default pipe buffer on a stage with many models.
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules, maxBuffer: 256 * 1024 * 1024 }).validate(context);
  }
}

/** A control Gantry makes exceptions to: its guard rule and documentation. */
export interface ControlTowerControl {
  /** The guard rule's name, as findings and acknowledgements carry it. */
  readonly rule: string;
  readonly title: string;
  readonly url: string;
}

const REFERENCE = 'https://docs.aws.amazon.com/controltower/latest/controlreference';

/** Every control with an exception below. */
export const CONTROLS = {
  'CT.S3.PR.2': { rule: 's3_bucket_logging_enabled_check', title: 'Require an Amazon S3 bucket to have server access logging configured', url: `${REFERENCE}/s3-rules.html#ct-s3-pr-2-description` },
  'CT.S3.PR.9': { rule: 's3_bucket_object_lock_enabled_check', title: 'Require that an Amazon S3 bucket has S3 Object Lock activated', url: `${REFERENCE}/s3-rules.html#ct-s3-pr-9-description` },
  'CT.S3.PR.10': { rule: 's3_bucket_default_encryption_kms_check', title: 'Require an Amazon S3 bucket to have server-side encryption configured using an AWS KMS key', url: `${REFERENCE}/s3-rules.html#ct-s3-pr-10-description` },
  'CT.CLOUDWATCH.PR.3': { rule: 'cloudwatch_log_group_encrypted_check', title: 'Require an Amazon CloudWatch log group to be encrypted at rest with an AWS KMS key', url: `${REFERENCE}/cloudwatch-rules.html#ct-cloudwatch-pr-3-description` },
  'CT.LAMBDA.PR.3': { rule: 'lambda_inside_vpc_check', title: 'Require an AWS Lambda function to be in a customer-managed Amazon Virtual Private Cloud (VPC)', url: `${REFERENCE}/lambda-rules.html#ct-lambda-pr-3-description` },
} as const satisfies Record<string, ControlTowerControl>;

export type ControlId = keyof typeof CONTROLS;

/** The id that acknowledges a control's findings on a construct and its children. */
export function acknowledgementId(control: ControlId): string {
  return `${CONTROL_TOWER_PLUGIN_NAME}::${CONTROLS[control].rule}`;
}

/** Acknowledges one control on one construct (and what it contains), with the reason. */
export function acknowledgeControl(scope: IConstruct, control: ControlId, reason: string): void {
  Validations.of(scope).acknowledge({ id: acknowledgementId(control), reason: `${control} (${CONTROLS[control].title}): ${reason}` });
}

/** An exception: a control, the resources of a stage it does not hold for, and why. */
export interface ControlTowerException {
  readonly control: ControlId;
  /** The constructs (resources, or constructs holding them) of the stage it covers. */
  readonly resources: (stage: GantryStage) => IConstruct[];
  readonly reason: (stage: GantryStage) => string;
}

const ACCESS_LOGGING = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html';

const zoneBuckets = (stage: GantryStage) => [stage.data.lake.raw, stage.data.lake.curated, stage.data.lake.features, stage.data.lake.artifacts, stage.data.lake.capture];

/** Log groups outside the data stack that are encrypted with the stage key: a cross-stack reference. */
export function logGroupsWithImportedKey(stage: GantryStage): logs.CfnLogGroup[] {
  return stage.node
    .findAll()
    .filter((c): c is logs.CfnLogGroup => c instanceof logs.CfnLogGroup)
    .filter((group) => group.kmsKeyId === stage.data.key.keyArn && Stack.of(group) !== Stack.of(stage.data.key));
}

/** The runtime functions the Lambda-in-VPC exception covers: all without a VPC, those placed in it with one. */
export function runtimeFunctions(stage: GantryStage): lambda.Function[] {
  const functions = stage.runtime.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function);
  return stage.network ? functions.filter((f) => f.isBoundToVpc) : functions;
}

/**
 * The one list of exceptions. They are applied from here rather than from each construct: the
 * reasons depend on the stage (a VPC or none, keys in another stack), some resources belong to
 * constructs shared with other uses, and one list is what a reviewer reads.
 */
export const EXCEPTIONS: readonly ControlTowerException[] = [
  {
    control: 'CT.S3.PR.2',
    resources: (stage) => [stage.data.lake.accessLogs],
    reason: () => `the access-log bucket receives the zones' server access logs; logging it into itself would be an endless loop of logs S3 advises against, and another bucket would need its own log target (${ACCESS_LOGGING}).`,
  },
  {
    control: 'CT.S3.PR.10',
    resources: (stage) => [stage.data.lake.accessLogs],
    reason: () => `S3 server access logging delivers only to buckets with SSE-S3 default encryption; SSE-KMS is not supported on the destination (${ACCESS_LOGGING}). The bucket holds request logs only, no lake data.`,
  },
  {
    control: 'CT.S3.PR.9',
    resources: (stage) => [stage.data.lake.accessLogs],
    reason: () => `a bucket with S3 Object Lock cannot be a server access log destination (${ACCESS_LOGGING}).`,
  },
  {
    control: 'CT.S3.PR.9',
    resources: zoneBuckets,
    reason: () =>
      'Object Lock cannot be turned off or versioning suspended once on (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html). ' +
      "AWS::S3::Bucket's resource schema has listed ObjectLockEnabled as create-only (https://github.com/aws-cloudformation/cfn-lint/blob/06cb246e25caa15cfee2405abc4797972f38ddef/src/cfnlint/data/schemas/providers/us_east_1/aws-s3-bucket.json), so adding it to a deployed stage can replace the buckets: a retained bucket and its data are orphaned and the stage points at new, empty ones. " +
      'The flag alone locks nothing (only a retention period or legal hold does), and a default retention would stop the lifecycle expiring noncurrent versions and the dev stage deleting its buckets. ' +
      'The lake keeps history with versioning and TLS-only, KMS-encrypted, private buckets instead.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: logGroupsWithImportedKey,
    reason: (stage) =>
      `the log group is encrypted with the stage key of ${stage.data.stackName}, referenced across stacks (Fn::GetStackOutput or Fn::ImportValue); cfn-guard's static rule accepts only a literal ARN or a key in the same template. A test resolves each such KmsKeyId to the stage key.`,
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resources: runtimeFunctions,
    reason: (stage) =>
      stage.network
        ? `the function runs in the private subnets of ${stage.network.stackName} with its own security group, referenced across stacks; cfn-guard's static rule accepts only literal ids or subnets and groups in the same template. A test resolves each VpcConfig to the stage VPC.`
        : `the ${stage.config.name} stage has no VPC (its config sets no vpc): the functions run in Lambda's own network and reach only AWS APIs, with IAM-scoped roles.`,
  },
];

/** Acknowledges every exception on the resources of a stage it covers. */
export function acknowledgeControlTowerExceptions(stage: GantryStage): void {
  for (const exception of EXCEPTIONS) {
    const reason = exception.reason(stage);
    for (const resource of exception.resources(stage)) acknowledgeControl(resource, exception.control, reason);
  }
}

interface ReportedViolation {
  readonly ruleName: string;
  readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
}

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{ readonly pluginName: string; readonly violations: readonly ReportedViolation[]; readonly suppressedViolations?: readonly ReportedViolation[] }>;
}

/** What the Control Tower checks found in a synthesized assembly. */
export interface ControlTowerOutcome {
  /** Findings nobody acknowledged (the synth fails on any). */
  readonly unacknowledged: number;
  /** Findings acknowledged as exceptions, one per resource and control. */
  readonly acknowledged: number;
  /** The controls of those exceptions. */
  readonly controls: readonly string[];
}

/** Reads the Control Tower findings from `<assembly>/validation-report.json` (none when the file is absent). */
export function controlTowerOutcome(assemblyDirectory: string): ControlTowerOutcome {
  const file = join(assemblyDirectory, 'validation-report.json');
  const report: ValidationReport = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : { pluginReports: [] };
  const plugin = report.pluginReports.filter((p) => p.pluginName === CONTROL_TOWER_PLUGIN_NAME);
  const count = (violations: readonly ReportedViolation[]) => violations.reduce((n, v) => n + v.violatingConstructs.length, 0);
  const suppressed = plugin.flatMap((p) => p.suppressedViolations ?? []);
  const byRule = new Map<string, string>(Object.entries(CONTROLS).map(([id, control]) => [control.rule, id]));
  return {
    unacknowledged: count(plugin.flatMap((p) => p.violations)),
    acknowledged: count(suppressed),
    controls: [...new Set(suppressed.map((v) => byRule.get(v.ruleName) ?? v.ruleName))].sort(),
  };
}
