import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { prepareEvent } from '../../../../../lib/constructs/deploy-workflow/phases/plan';
import { stageConfig } from '../../../../support/app';

const churn = (stage: 'dev' | 'prod') => stageConfig(stage).models.find((m) => m.name === 'churn')!;

describe('prepareEvent', () => {
  it('names the endpoint, the target and its instance type, and a short deployment id', () => {
    const model = churn('prod');
    const event = sfn.FieldUtils.renderObject(prepareEvent({ model }, 'gantry-prod-churn'))!;
    expect(event).toMatchObject({ action: 'prepare', model: 'churn', 'input.$': '$', endpointName: 'gantry-prod-churn', target: 'inf2', instanceType: model.serving.instanceType, defaultStrategy: model.serving.strategy });
    expect(event['deploymentId.$']).toBe("States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)");
  });

  it('leaves out the instance type of a serverless endpoint, and a compiler the model has none of', () => {
    const model = churn('dev');
    expect(model.serving.target).toBe('serverless');
    const event = prepareEvent({ model }, 'gantry-dev-churn');
    expect(Object.keys(event)).not.toContain('instanceType');
    expect(Object.keys(event)).not.toContain('compiler');
    expect(event).toMatchObject({ target: 'serverless', endpointName: 'gantry-dev-churn' });
  });
});
