import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { defineGantryApp } from '../../../lib/app';
import { loadAllStageConfigs, STAGES, type StageConfigInput } from '../../../lib/config';
import { testApp, testStage } from '../../support/app';

const MAX_RESOURCES_PER_STACK = 300;

function stageWithModels(count: number): StageConfigInput {
  const base = structuredClone(STAGES.prod) as StageConfigInput & { models: Array<Record<string, unknown>> };
  base.models = Array.from({ length: count }, (_, i) => ({ ...structuredClone(base.models[0]!), name: `model-${i}` }));
  return base;
}

describe('GantryStage', () => {
  it('synthesizes every shipped stage with cdk-nag and the Control Tower controls, and no unacknowledged finding', () => {
    const app = testApp();
    const stages = defineGantryApp(app, loadAllStageConfigs());
    const assembly = app.synth();
    expect(stages.map((s) => s.stageName)).toEqual(['Gantry-dev', 'Gantry-prod']);
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string; severity: string }> }>;
    };
    const unacknowledged = report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName}:${v.ruleName}:${v.severity}`));
    // The one finding is deliberate: dev serves churn serverless, and says what that gives up.
    expect(unacknowledged).toEqual(['Construct Annotations:Annotation::gantry:serverless-endpoint:warning']);
  });

  it('fails the synth on a cdk-nag finding nobody acknowledged', () => {
    const { app, stage } = testStage('dev');
    new s3.Bucket(stage.data, 'Insecure');
    expect(() => app.synth()).toThrow(/The S3 Bucket has server access logs disabled\. \(AwsSolutions\)[\s\S]*Gantry-dev\/Data\/Insecure\/Resource/);
  });

  it('places dev in no account (environment-agnostic) and prod in its configured account and region', () => {
    const { app, stage } = testStage('dev');
    const prod = testStage('prod');
    expect(stage.data.environment).toBe('aws://unknown-account/us-east-1');
    expect(prod.stage.data.environment).toBe('aws://111111111111/us-east-1');
    expect(prod.stage.data.terminationProtection).toBe(true);
    expect(stage.data.stackName).toBe('gantry-dev-data');
    expect(app.synth().getNestedAssembly(stage.artifactId).stacks.map((s) => s.stackName).sort()).toEqual(['gantry-dev-data', 'gantry-dev-governance', 'gantry-dev-model-churn', 'gantry-dev-runtime']);
  });

  it(`keeps every stack under ${MAX_RESOURCES_PER_STACK} resources, even with 40 models`, () => {
    const { stage } = testStage(stageWithModels(40));
    // Counting needs the templates only: a Stage's own synth skips the validation plugins (cdk-nag,
    // cfn-guard), which run on the App's synth and take most of the time with 44 templates; the
    // shipped stages are validated above.
    const stacks = stage.synth().stacks;
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      expect(Object.keys(stack.template.Resources).length, stack.stackName).toBeLessThan(MAX_RESOURCES_PER_STACK);
    }
  });
});

/**
 * Runs the project's CDK CLI on the Node running the tests, offline, with npm's own variables
 * scrubbed (an outer `npx -p node@24` would otherwise leak into the app's `npx tsx`).
 */
function cdk(args: string[]): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  execFileSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), ...args], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: 'pipe',
  });
}

describe('the CDK CLI, offline', () => {
  it('synthesizes the prod stage with `cdk synth -c stage=prod`', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
    cdk(['synth', '--quiet', '-c', 'stage=prod', '--output', outdir]);
    expect(existsSync(join(outdir, 'assembly-Gantry-prod'))).toBe(true);
    expect(readdirSync(join(outdir, 'assembly-Gantry-prod')).some((f) => f.endsWith('.template.json'))).toBe(true);
  }, 120_000);

  it('rejects an unknown stage with the known ones named', () => {
    let stderr = '';
    try {
      cdk(['synth', '--quiet', '-c', 'stage=qa', '--output', mkdtempSync(join(tmpdir(), 'gantry-cli-'))]);
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr);
    }
    expect(stderr).toContain('stage: unknown stage; known stages: dev, prod (got "qa")');
  }, 120_000);
});
