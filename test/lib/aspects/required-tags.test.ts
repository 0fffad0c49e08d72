import { App, AspectPriority, Aspects, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { RequiredTagsAspect } from '../../../lib/aspects/required-tags';
import { REQUIRED_TAG_KEYS } from '../../../lib/contract';
import { resourceTags } from '../../../lib/cost';
import { testStage } from '../../support/app';

function checkedStack(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Checked');
  Aspects.of(app).add(new RequiredTagsAspect(REQUIRED_TAG_KEYS), { priority: AspectPriority.READONLY });
  return { app, stack };
}

describe('RequiredTagsAspect', () => {
  it('passes when every taggable resource has every required tag', () => {
    const { app, stack } = checkedStack();
    new s3.Bucket(stack, 'Bucket');
    new sns.Topic(stack, 'Topic');
    for (const key of REQUIRED_TAG_KEYS) Tags.of(app).add(key, `v-${key}`);
    expect(() => app.synth()).not.toThrow();
  });

  it('throws when a taggable resource lacks a tag, naming the resource and the missing keys', () => {
    const { app, stack } = checkedStack();
    new s3.Bucket(stack, 'Tagged');
    const untagged = new sns.Topic(stack, 'Untagged');
    for (const key of REQUIRED_TAG_KEYS) Tags.of(app).add(key, 'x');
    Tags.of(untagged).remove('Team');
    Tags.of(untagged).remove('CostCenter');
    expect(() => app.synth()).toThrow(/AWS::SNS::Topic at Checked\/Untagged\/Resource is missing required cost tag\(s\): CostCenter, Team/);
  });

  it('lists every untagged resource in one failure', () => {
    const { app, stack } = checkedStack();
    new s3.Bucket(stack, 'One');
    new sns.Topic(stack, 'Two');
    expect(() => app.synth()).toThrow(/Checked\/One\/Resource is missing[\s\S]*Checked\/Two\/Resource is missing/);
  });

  it('throws for a billable resource rendered as a plain CfnResource, which can never be tagged', () => {
    const { app, stack } = checkedStack();
    new CfnResource(stack, 'RawFunction', { type: 'AWS::Lambda::Function', properties: { Code: { ZipFile: 'x' }, Role: 'r', Handler: 'h', Runtime: 'nodejs22.x' } });
    expect(() => app.synth()).toThrow(/AWS::Lambda::Function at Checked\/RawFunction cannot carry cost tags/);
  });
});

describe('cost tags on a whole stage', () => {
  it.each(['dev', 'prod'])('every taggable resource of %s carries the four tags with the stage values', (name) => {
    const { app, stage } = testStage(name);
    const assembly = app.synth().getNestedAssembly(stage.artifactId);
    const stageTags = { CostCenter: stage.config.tags.costCenter, Team: stage.config.tags.team, Project: stage.config.tags.project, Environment: stage.config.tags.environment };
    let tagged = 0;
    for (const stack of assembly.stacks) {
      // A model's resources are billed to its owning team, and carry the Model tag.
      const model = stage.config.models.find((m) => stack.stackName === `gantry-${name}-model-${m.name}`);
      const expected = model ? { ...stageTags, Team: model.ownerTeam, Model: model.name } : stageTags;
      for (const [logicalId, resource] of Object.entries(stack.template.Resources as Record<string, { Type: string; Properties?: { Tags?: unknown } }>)) {
        if (resource.Properties?.Tags === undefined) continue;
        expect(resourceTags(resource), `${stack.stackName}/${logicalId}`).toMatchObject(expected);
        tagged++;
      }
    }
    // Buckets, tables, the key and the SSM parameters at least.
    expect(tagged).toBeGreaterThanOrEqual(18);
  });
});
