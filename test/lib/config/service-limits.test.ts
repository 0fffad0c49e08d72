import { describe, expect, it } from 'vitest';
import { maxTrafficShiftingPercent, neoInf2Problem, SAGEMAKER_NAME, trafficShiftingProblem, trafficShiftingStepInstances } from '../../../lib/config/service-limits';

describe('traffic shifting (SageMaker TrafficRoutingConfig and CapacitySize)', () => {
  // [strategy, percent, instances, allowed]
  const cases: Array<['canary' | 'linear', number, number, boolean]> = [
    ['canary', 10, 1, false], // one instance is the whole fleet
    ['canary', 10, 2, true],
    ['canary', 50, 2, true],
    ['canary', 50, 3, false], // 1.5 instances, 2 if rounded up
    ['canary', 33, 3, true],
    ['canary', 10, 20, true],
    ['linear', 20, 1, false],
    ['linear', 20, 2, true],
    ['linear', 50, 5, false],
    ['linear', 40, 5, true],
  ];

  it.each(cases)('%s at %i %% on %i instances: allowed %s', (strategy, percent, instances, allowed) => {
    expect(trafficShiftingProblem(strategy, percent, instances) === undefined).toBe(allowed);
  });

  it('counts at least one instance, rounding the percentage up', () => {
    expect(trafficShiftingStepInstances(10, 2)).toBe(1);
    expect(trafficShiftingStepInstances(50, 3)).toBe(2);
    expect(trafficShiftingStepInstances(10, 25)).toBe(3);
  });

  it('finds the largest percentage every fleet size allows, and none for a lone instance', () => {
    expect(maxTrafficShiftingPercent('canary', [2, 3, 4])).toBe(33);
    expect(maxTrafficShiftingPercent('linear', [2, 4])).toBe(50);
    expect(maxTrafficShiftingPercent('canary', [1])).toBeUndefined();
  });
});

describe('SageMaker Neo for ml_inf2 (Neo inference container images page)', () => {
  it('accepts the documented PyTorch and TensorFlow versions in us-east-2 only', () => {
    expect(neoInf2Problem('pytorch', '1.13', 'us-east-2')).toBeUndefined();
    expect(neoInf2Problem('tensorflow', '2.10.1', 'us-east-2')).toBeUndefined();
    expect(neoInf2Problem('pytorch', '2.5', 'us-east-2')).toMatch(/not pytorch 2\.5/);
    expect(neoInf2Problem('pytorch', '1.13', 'us-east-1')).toMatch(/only in us-east-2, not us-east-1/);
    expect(neoInf2Problem('xgboost', '1.7', 'us-east-2')).toMatch(/not xgboost/);
  });
});

describe('SageMaker names (63 characters, letters, digits and hyphens)', () => {
  it.each([
    ['gantry-prod-churn-v7-1a2b3c4d', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-leading-hyphen', false],
    ['under_score', false],
  ])('%s: valid %s', (name, valid) => {
    expect(SAGEMAKER_NAME.pattern.value.test(name)).toBe(valid);
  });
});
