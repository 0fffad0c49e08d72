import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceTags } from '../../../lib/cost';
import { testStage } from '../../support/app';

describe('ModelStack', () => {
  it('publishes the serving contract the application client reads', () => {
    const { stage } = testStage('prod');
    const template = Template.fromStack(stage.models.get('churn')!);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/gantry/prod/models/churn/serving',
      Value: JSON.stringify({
        model: 'churn',
        endpointName: 'gantry-prod-churn',
        contentType: 'text/csv',
        features: { group: 'customer-activity', names: ['tenure_months', 'monthly_spend', 'support_tickets_30d', 'logins_30d', 'plan_tier'] },
      }),
    });
  });

  it('tags every resource with the Model and the owning team', () => {
    const { app, stage } = testStage('prod');
    const stack = app.synth().getNestedAssembly(stage.artifactId).getStackByName('gantry-prod-model-churn');
    const resources = Object.values(stack.template.Resources as Record<string, { Type: string; Properties?: { Tags?: unknown } }>).filter((r) => r.Properties?.Tags !== undefined);
    // Topic, role, log group, state machine, rules, SSM parameters...
    expect(resources.length).toBeGreaterThanOrEqual(8);
    for (const resource of resources) {
      expect(resourceTags(resource)).toMatchObject({ Model: 'churn', Team: 'growth-ml', CostCenter: 'CC-1001', Project: 'gantry', Environment: 'prod' });
    }
  });

  it('fails the synth when a per-model resource lacks the Model tag', async () => {
    const { Tags } = await import('aws-cdk-lib');
    const { app, stage } = testStage('prod');
    Tags.of(stage.models.get('churn')!).remove('Model');
    expect(() => app.synth()).toThrow(/AWS::SSM::Parameter at Gantry-prod\/Model-churn\/Names\/.* is missing required cost tag\(s\): Model/);
  });
});
