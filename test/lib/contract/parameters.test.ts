import { describe, expect, it } from 'vitest';
import { LAKE_ZONES, PARAMETER_KEYS, parameterName } from '../../../lib/contract';

describe('SSM parameter keys', () => {
  const keys = [
    PARAMETER_KEYS.registryTable,
    PARAMETER_KEYS.featureTable,
    PARAMETER_KEYS.kmsKeyArn,
    PARAMETER_KEYS.glueDatabase,
    ...LAKE_ZONES.map(PARAMETER_KEYS.bucket),
    PARAMETER_KEYS.modelServing('churn'),
    PARAMETER_KEYS.trainingWorkflow('churn'),
    PARAMETER_KEYS.deployWorkflow('churn'),
  ];

  it('follow one scheme, <kind>/<name>[/<what>], in kebab-case, all distinct', () => {
    for (const key of keys) expect(key).toMatch(/^[a-z]+\/[a-z0-9-]+(\/[a-z0-9-]+)?$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('live below /gantry/<stage>/', () => {
    expect(parameterName('prod', PARAMETER_KEYS.modelServing('churn'))).toBe('/gantry/prod/models/churn/serving');
    expect(parameterName('dev', PARAMETER_KEYS.bucket('capture'))).toBe('/gantry/dev/buckets/capture');
  });
});
