import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../../support/app';
import { priceOne } from './price-one';

describe('the Step Functions pricer', () => {
  const model = stageConfig('dev').models[0]!;

  it('prices a model\'s training and deploy workflows per run', () => {
    // runs × 40 transitions × $0.025/1,000; one deployment per run × 30
    expect(priceOne('AWS::StepFunctions::StateMachine', { StateMachineName: 'gantry-dev-churn-training' }, { model }).cost?.expectedUsd).toBeCloseTo((model.usage.trainingRunsPerMonth * 40 * 0.025) / 1000, 15);
    expect(priceOne('AWS::StepFunctions::StateMachine', { StateMachineName: 'gantry-dev-churn-deploy' }, { model }).cost?.expectedUsd).toBeCloseTo((model.usage.trainingRunsPerMonth * 30 * 0.025) / 1000, 15);
  });

  it('counts a workflow it has no run model for at zero', () => {
    expect(priceOne('AWS::StepFunctions::StateMachine', { StateMachineName: 'other' }, { model }).cost?.expectedUsd).toBe(0);
  });

  it('throws when a workflow is Express', () => {
    expect(() => priceOne('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' })).toThrow(/\(Express workflow\)/);
  });
});
