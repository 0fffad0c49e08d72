import { describe, expect, it } from 'vitest';
import { versionOfAttributes, versionOfEndpoint } from '../../client/model-version';

describe('versionOfAttributes', () => {
  it.each([
    ['gantry-model-version=7', 7],
    ['gantry-model-version=999999', 999_999],
    ['trace=abc;gantry-model-version=12', 12],
    ['trace=abc, gantry-model-version = 3 ,x=y', 3],
    ['GANTRY-MODEL-VERSION=4', 4],
    ['gantry-model-version=abc;gantry-model-version=5', 5],
    [undefined, undefined],
    ['', undefined],
    ['trace=abc', undefined],
    ['model-version=7', undefined],
    ['xgantry-model-version=7', undefined],
    ['gantry-model-version', undefined],
    ['gantry-model-version=', undefined],
    ['gantry-model-version=0', undefined],
    ['gantry-model-version=007', undefined],
    ['gantry-model-version=-1', undefined],
    ['gantry-model-version=7.5', undefined],
    ['gantry-model-version=7x', undefined],
    ['gantry-model-version=1e3', undefined],
    ['gantry-model-version=1000000', undefined],
    ['gantry-model-version=7=8', undefined],
  ])('%j → %j', (attributes, expected) => {
    expect(versionOfAttributes(attributes)).toBe(expected);
  });
});

describe('versionOfEndpoint', () => {
  const endpoint = 'gantry-prod-churn';
  it.each([
    [{ EndpointStatus: 'InService' as const, EndpointConfigName: 'gantry-prod-churn-v7-1a2b3c4d' }, 7],
    [{ EndpointStatus: 'InService' as const, EndpointConfigName: 'gantry-prod-churn-v7-1a2b3c4d', PendingDeploymentSummary: { EndpointConfigName: 'gantry-prod-churn-v8-5e6f7a8b' } }, undefined],
    [{ EndpointStatus: 'Updating' as const, EndpointConfigName: 'gantry-prod-churn-v7-1a2b3c4d' }, undefined],
    [{ EndpointStatus: 'Failed' as const, EndpointConfigName: 'gantry-prod-churn-v7-1a2b3c4d' }, undefined],
    [{ EndpointStatus: 'InService' as const, EndpointConfigName: 'gantry-prod-churn-config' }, undefined],
    [{ EndpointStatus: 'InService' as const, EndpointConfigName: 'gantry-prod-churn2-v7-1a2b3c4d' }, undefined],
    [{ EndpointStatus: 'InService' as const }, undefined],
  ])('%j → %j', (described, expected) => {
    expect(versionOfEndpoint(endpoint, described)).toBe(expected);
  });
});
