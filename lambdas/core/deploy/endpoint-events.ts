import type { DeployPlan, EndpointEventType, FailedEndpoint } from '../../../lib/contract';
import { endpointEventKey, type EndpointEventInput } from '../registry/model';

/**
 * The registry events of a Failed endpoint's replacement (pure: no SDK). Both are about the
 * version the deployment serves and are made by the execution: EndpointDeleted once the
 * Failed endpoint is gone, with SageMaker's reason and the config it failed on;
 * EndpointRecreated once SageMaker accepted CreateEndpoint with the deployment's config.
 */
export function endpointEvent(type: EndpointEventType, args: { readonly endpointName: string; readonly plan: DeployPlan & { readonly failedEndpoint: FailedEndpoint }; readonly executionArn: string }): EndpointEventInput {
  const { endpointName, plan, executionArn } = args;
  const base = { type, key: endpointEventKey(type, executionArn), version: plan.version, actor: executionArn };
  if (type === 'EndpointDeleted') {
    const { configName, failureReason } = plan.failedEndpoint;
    return { ...base, reason: failureReason || 'SageMaker gave no reason', details: { endpoint: endpointName, ...(configName !== undefined ? { failedConfig: configName } : {}) } };
  }
  return { ...base, reason: `created again on ${plan.resourceName}`, details: { endpoint: endpointName, config: plan.resourceName } };
}
