import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testStage } from '../support/app';

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

  it('logs to its own KMS-encrypted log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 90 });
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
