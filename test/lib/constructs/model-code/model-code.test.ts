import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { ModelCode, ModelCodeNotFoundError } from '../../../../lib/constructs/model-code/model-code';
import { stageConfig, testApp } from '../../../support/app';

const model = stageConfig('prod').models.find((m) => m.name === 'churn')!;

function build() {
  const stack = new Stack(testApp(), 'Test');
  const code = new ModelCode(stack, 'Code', { entryPoint: model.training.entryPoint, preprocessScript: model.preprocessing.script });
  return { stack, code };
}

describe('ModelCode', () => {
  it('ships the preprocessing script as one file, named by its asset key', () => {
    const { code } = build();
    expect(code.preprocessScriptName).toMatch(/^[0-9a-f]{64}\.py$/);
    expect(code.preprocessScript.s3ObjectKey).toBe(code.preprocessScriptName);
    expect(code.sourceDir.s3ObjectKey).not.toBe(code.preprocessScript.s3ObjectKey);
  });

  it('lets a role read the two objects, and list only under the script\'s own key', () => {
    const { stack, code } = build();
    const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    code.grantRead(role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument.Statement as Array<Record<string, any>>;
    expect(statements).toHaveLength(2);
    const [get, list] = statements;
    expect(get!.Action).toBe('s3:GetObject');
    const objects = JSON.stringify(get!.Resource);
    expect(objects).toContain(`/${code.sourceDir.s3ObjectKey}`);
    expect(objects).toContain(`/${code.preprocessScript.s3ObjectKey}`);
    expect(objects).not.toContain('/*');
    expect(list).toMatchObject({ Action: 's3:ListBucket', Condition: { StringEquals: { 's3:prefix': code.preprocessScript.s3ObjectKey } } });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^JobRole') }] });
  });

  it('throws when the training entry point does not exist', () => {
    const stack = new Stack(testApp(), 'Test');
    expect(() => new ModelCode(stack, 'Code', { entryPoint: 'models/nope/train.py', preprocessScript: model.preprocessing.script })).toThrow(ModelCodeNotFoundError);
    expect(() => new ModelCode(stack, 'Other', { entryPoint: 'models/nope/train.py', preprocessScript: model.preprocessing.script })).toThrow(/models\/nope\/train\.py does not exist \(check training\.entryPoint/);
  });

  it('throws when the preprocessing script does not exist', () => {
    const stack = new Stack(testApp(), 'Test');
    let error: unknown;
    try {
      new ModelCode(stack, 'Code', { entryPoint: model.training.entryPoint, preprocessScript: 'models/nope/prep.py' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelCodeNotFoundError);
    expect((error as ModelCodeNotFoundError).name).toBe('ModelCodeNotFoundError');
    expect((error as ModelCodeNotFoundError).path).toMatch(/models\/nope\/prep\.py$/);
  });
});
