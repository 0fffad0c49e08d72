import { describe, expect, it } from 'vitest';
import {
  budgetName,
  costAlertsTopicName,
  costMonitorName,
  deploymentResourceName,
  endpointAlarmName,
  endpointName,
  endpointNamePattern,
  jobNamePattern,
  jobNamePrefix,
  MAX_DEPLOYABLE_VERSION,
  modelStackName,
  modelTopicName,
  modelTopicPattern,
  stackName,
  stagePrefix,
  versionOfDeploymentResource,
  workflowName,
  workflowPattern,
} from '../../../lib/contract';

/** An IAM resource-name pattern as a regex: `*` is any run of characters, `?` one. */
function matches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

describe('resource names and the IAM patterns that match them', () => {
  const deployment = deploymentResourceName(endpointName('prod', 'churn'), 7, '1a2b3c4d');

  it.each([
    ['endpoint', endpointName('prod', 'churn'), endpointNamePattern('prod')],
    ["a deployment's model and endpoint config", deployment, endpointNamePattern('prod')],
    ['model topic', modelTopicName('prod', 'churn'), modelTopicPattern('prod')],
    ['deploy workflow', workflowName('prod', 'churn', 'deploy'), workflowPattern('prod', 'deploy')],
    ['training workflow', workflowName('prod', 'churn', 'training'), workflowPattern('prod', 'training')],
    ['training job', `${jobNamePrefix('prod', 'churn', 'train')}20261203t1015-ab12cd`, jobNamePattern('prod', 'churn', 'train')],
    ['compilation job', `${jobNamePrefix('prod', 'churn', 'neo')}20261203t1015-ab12cd`, jobNamePattern('prod', 'churn', 'neo')],
  ])('a %s name matches its pattern', (_what, name, pattern) => {
    expect(matches(pattern, name)).toBe(true);
  });

  it.each([
    ["another stage's endpoint", endpointName('dev', 'churn'), endpointNamePattern('prod')],
    ["another stage's topic", modelTopicName('dev', 'churn'), modelTopicPattern('prod')],
    ['a training workflow, for the deploy pattern', workflowName('prod', 'churn', 'training'), workflowPattern('prod', 'deploy')],
    ["another model's training job", `${jobNamePrefix('prod', 'fraud', 'train')}x`, jobNamePattern('prod', 'churn', 'train')],
    ["the model's preprocessing job, for the training pattern", `${jobNamePrefix('prod', 'churn', 'prep')}x`, jobNamePattern('prod', 'churn', 'train')],
  ])('%s does not match', (_what, name, pattern) => {
    expect(matches(pattern, name)).toBe(false);
  });

  it('spells every name of a stage with the stage prefix', () => {
    expect(stagePrefix('prod')).toBe('gantry-prod-');
    expect([stackName('prod', 'data'), modelStackName('prod', 'churn'), endpointName('prod', 'churn'), modelTopicName('prod', 'churn'), costAlertsTopicName('prod'), workflowName('prod', 'churn', 'deploy'), budgetName('prod', 'ml')]).toEqual([
      'gantry-prod-data',
      'gantry-prod-model-churn',
      'gantry-prod-churn',
      'gantry-prod-churn',
      'gantry-prod-cost-alerts',
      'gantry-prod-churn-deploy',
      'gantry-prod-team-ml',
    ]);
    expect([budgetName('prod'), costMonitorName('prod'), endpointAlarmName('gantry-prod-churn', 'error-rate')]).toEqual(['gantry-prod', 'gantry-prod', 'gantry-prod-churn-error-rate']);
  });

  it.each([
    [deployment, 7],
    [deploymentResourceName('gantry-prod-churn', MAX_DEPLOYABLE_VERSION, 'ffffffff'), MAX_DEPLOYABLE_VERSION],
    ['gantry-prod-churn-v7', undefined],
    ['gantry-prod-churn-v7-1A2B3C4D', undefined],
    ['gantry-prod-churn-x-v7-1a2b3c4d', undefined],
    ['gantry-prod-fraud-v7-1a2b3c4d', undefined],
  ])('reads the version back from %s', (name, version) => {
    expect(versionOfDeploymentResource('gantry-prod-churn', name)).toBe(version);
  });
});
