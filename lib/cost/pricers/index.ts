/**
 * The pricers, one module per AWS service, and the table the estimator dispatches through: each
 * CloudFormation type to the one pricer of its service. A type is priced, listed free
 * (`free.ts`), or unknown, which the estimator reports as an `UnpricedError`.
 */
import type { ModelConfig } from '../../config';
import { BUDGETS_PRICERS, COST_ANOMALY_DETECTION_PRICERS } from './budgets';
import { CLOUDWATCH_PRICERS } from './cloudwatch';
import { driftCheckLines } from './drift-checks';
import { DYNAMODB_PRICERS } from './dynamodb';
import { EVENTBRIDGE_PRICERS } from './eventbridge';
import { FREE_RESOURCE_TYPES } from './free';
import { KMS_PRICERS } from './kms';
import { LAMBDA_PRICERS } from './lambda';
import type { ModelledLine, PricingContext, ResourcePricer, ServicePricers } from './pricer';
import { S3_PRICERS } from './s3';
import { sagemakerLines } from './sagemaker';
import { SNS_PRICERS } from './sns';
import { SSM_PRICERS } from './ssm';
import { STEP_FUNCTIONS_PRICERS } from './step-functions';
import { VPC_PRICERS } from './vpc';

export { FREE_RESOURCE_TYPES, freeReason, isFreeType } from './free';
export { modelStackName, pricingContext, stackModel } from './context';
export { unpriced, UsedPrices, type LineCost, type ModelledLine, type PricingContext, type ResourcePricer, type ResourceToPrice } from './pricer';

const SERVICES: readonly ServicePricers[] = [
  KMS_PRICERS,
  SSM_PRICERS,
  S3_PRICERS,
  DYNAMODB_PRICERS,
  LAMBDA_PRICERS,
  STEP_FUNCTIONS_PRICERS,
  CLOUDWATCH_PRICERS,
  SNS_PRICERS,
  EVENTBRIDGE_PRICERS,
  VPC_PRICERS,
  BUDGETS_PRICERS,
  COST_ANOMALY_DETECTION_PRICERS,
];

/** Builds the dispatch table. @throws Error when two services price one type, or a priced type is also listed free. */
export function pricerTable(services: readonly ServicePricers[]): ReadonlyMap<string, ResourcePricer> {
  const table = new Map<string, ResourcePricer>();
  for (const service of services) {
    for (const [type, pricer] of Object.entries(service)) {
      if (table.has(type)) throw new Error(`lib/cost/pricers: ${type} has two pricers`);
      if (Object.hasOwn(FREE_RESOURCE_TYPES, type)) throw new Error(`lib/cost/pricers: ${type} is both priced and listed free`);
      table.set(type, pricer);
    }
  }
  return table;
}

/** Every priced CloudFormation type, to its pricer. */
export const PRICERS: ReadonlyMap<string, ResourcePricer> = pricerTable(SERVICES);

/** The modelled lines of a model (what the workflows create at run time), in report order. */
export function modelledLines(model: ModelConfig, ctx: PricingContext): ModelledLine[] {
  return [...sagemakerLines(model), ...driftCheckLines(model, ctx)];
}
