/** The Cost Explorer adapter: `lib/cost`'s GetCostAndUsage port over the SDK's client, which `lib/` may not import. */
import { GetCostAndUsageCommand, type CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { CostAndUsageSource } from '../lib/cost';

/** The port over a Cost Explorer client: the request and answer shapes are Cost Explorer's own, so they pass unchanged. */
export function costAndUsageSource(client: CostExplorerClient): CostAndUsageSource {
  return { getCostAndUsage: (request) => client.send(new GetCostAndUsageCommand(request)) };
}
