import { describe, expect, it } from 'vitest';
import { functionServiceName } from '../../../../lib/contract';
import { pricingContext } from '../../../../lib/cost/pricers';
import { driftCheckLines, driftMetricCount } from '../../../../lib/cost/pricers/drift-checks';
import { stageConfig } from '../../../support/app';

describe('the drift checks', () => {
  it('count the window\'s metrics, PSI for each feature and KS for the numeric ones, and the prediction\'s', () => {
    const prod = stageConfig('prod');
    const model = prod.models[0]!;
    const group = prod.featureGroups.find((g) => g.name === model.features!.group)!;
    const numeric = model.features!.features.filter((f) => ['double', 'bigint'].includes(group.features.find((g) => g.name === f)!.type)).length;
    expect(driftMetricCount(pricingContext(prod, []), model)).toBe(5 + model.features!.features.length + numeric + 2);
  });

  it('take the drift function\'s memory from the templates, 1 GB when they do not show it', () => {
    const prod = stageConfig('prod');
    const model = prod.models[0]!;
    const drift = { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 2048, Environment: { Variables: { POWERTOOLS_SERVICE_NAME: functionServiceName('drift') } } } };
    const withMemory = driftCheckLines(model, pricingContext(prod, [{ stackName: 'runtime', template: { Resources: { Drift: drift } } }]))[0]!;
    const without = driftCheckLines(model, pricingContext(prod, []))[0]!;
    expect(withMemory.basis).toContain('× 2 GB =');
    expect(without.basis).toContain('× 1 GB =');
    expect(withMemory.idleUsd).toBeGreaterThan(without.idleUsd);
  });

  it('are none for a serverless endpoint, which SageMaker cannot capture', () => {
    const dev = stageConfig('dev');
    expect(dev.models[0]!.serving.target).toBe('serverless');
    expect(driftCheckLines(dev.models[0]!, pricingContext(dev, []))).toEqual([]);
  });
});
