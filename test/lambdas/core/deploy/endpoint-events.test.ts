import { describe, expect, it } from 'vitest';
import { endpointEvent } from '../../../../lambdas/core/deploy/endpoint-events';
import type { DeployPlan, FailedEndpoint } from '../../../../lib/contract';

const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-2';
const plan = (failedEndpoint: FailedEndpoint): DeployPlan & { failedEndpoint: FailedEndpoint } => ({
  model: 'churn',
  version: 3,
  strategy: 'canary',
  rollback: false,
  previousVersion: 2,
  imageUri: 'i',
  artifactUri: 's3://a/m.tar.gz',
  resourceName: 'gantry-prod-churn-v3-1a2b3c4d',
  endpointExists: false,
  instanceTypeChanged: false,
  failedEndpoint,
  reason: 'deploy of version 3',
  requestedBy: 'alice',
});

describe('endpointEvent', () => {
  it.each<[string, Parameters<typeof endpointEvent>[0], FailedEndpoint, Record<string, unknown>]>([
    ['EndpointDeleted with the reason and the config', 'EndpointDeleted', { configName: 'gantry-prod-churn-v2-0badc0de', failureReason: 'ping health check failed' }, { reason: 'ping health check failed', details: { endpoint: 'gantry-prod-churn', failedConfig: 'gantry-prod-churn-v2-0badc0de' } }],
    ['EndpointDeleted without a reason or config', 'EndpointDeleted', {}, { reason: 'SageMaker gave no reason', details: { endpoint: 'gantry-prod-churn' } }],
    ['EndpointDeleted with an empty reason', 'EndpointDeleted', { failureReason: '' }, { reason: 'SageMaker gave no reason', details: { endpoint: 'gantry-prod-churn' } }],
    ['EndpointRecreated on the deployment config', 'EndpointRecreated', { failureReason: 'x' }, { reason: 'created again on gantry-prod-churn-v3-1a2b3c4d', details: { endpoint: 'gantry-prod-churn', config: 'gantry-prod-churn-v3-1a2b3c4d' } }],
  ])('%s', (_case, type, failed, expected) => {
    // By the execution (not the requester), about the planned version, keyed by type and execution.
    expect(endpointEvent(type, { endpointName: 'gantry-prod-churn', plan: plan(failed), executionArn })).toEqual({ type, key: `${type}#${executionArn}`, version: 3, actor: executionArn, ...expected });
  });
});
