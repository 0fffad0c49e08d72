/**
 * What a pricer is: a function from one template resource (or one model) to the monthly cost of
 * a line, recording the price keys it uses. The estimator (`../estimate.ts`) dispatches to the
 * pricers by resource type through the table in `index.ts`.
 */
import type { ModelConfig, StageConfig } from '../../config';
import { price } from '../prices';
import { UnpricedError, type StackTemplate } from '../types';

/** What the pricers read besides the resource: the config, and the figures derived from all templates of the stage. */
export interface PricingContext {
  readonly config: StageConfig;
  readonly stacks: readonly StackTemplate[];
  /** Log groups in the stage: the config's log volume is split between them. */
  readonly logGroupCount: number;
  /** NAT gateways in the stage: the config's NAT traffic is split between them. */
  readonly natGatewayCount: number;
  /** The lake's zone of each bucket, by logical id. */
  readonly lakeBuckets: ReadonlyMap<string, string>;
  /** `stack/logicalId` of every action-enabled budget, in template order. */
  readonly actionEnabledBudgets: readonly string[];
  /** Email subscriptions per topic, by `stack/logicalId`. */
  readonly emailSubscriptions: ReadonlyMap<string, number>;
}

/** One template resource, as a pricer sees it. */
export interface ResourceToPrice {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly type: string;
  readonly props: Readonly<Record<string, unknown>>;
  /** The model whose stack holds the resource (the Model tag of the stack's resources), if any. */
  readonly model: () => ModelConfig | undefined;
}

/** The money of a line, in us-east-1 USD before the regional factor, and how it was computed. */
export interface LineCost {
  readonly idleUsd: number;
  readonly expectedUsd: number;
  readonly basis: string;
}

/** A modelled line: a resource the workflows create at run time, which no template shows. */
export interface ModelledLine extends LineCost {
  /** e.g. `churn/endpoint`. */
  readonly resource: string;
  /** e.g. `modelled:sagemaker-endpoint`. */
  readonly type: string;
  readonly prices: readonly string[];
}

/** The prices a line uses, in the order it first uses them. */
export class UsedPrices {
  readonly keys: string[] = [];

  /** The USD of a price, recorded for the line. @throws UnpricedError naming the key. */
  usd(key: string): number {
    if (!this.keys.includes(key)) this.keys.push(key);
    return price(key).usd;
  }
}

/**
 * Prices one template resource: its line, or undefined when this resource is free (a free
 * variant of a priced type, such as a standard SSM parameter).
 * @throws UnpricedError for a billable variant that has no price.
 */
export type ResourcePricer = (resource: ResourceToPrice, prices: UsedPrices, ctx: PricingContext) => LineCost | undefined;

/** The pricers of one service, by the CloudFormation type each prices. */
export type ServicePricers = Readonly<Record<string, ResourcePricer>>;

/** The error for a resource (or a variant of it) without a price: never priced as zero. */
export function unpriced(resource: Pick<ResourceToPrice, 'type' | 'logicalId' | 'stack'>, why = ''): UnpricedError {
  return new UnpricedError(
    `no price for resource type ${resource.type} (${resource.logicalId} in stack ${resource.stack.stackName})${why}: price it in lib/cost/pricers/ or list it as free`,
  );
}

/** The logical id a `{ Ref }` points at, or undefined. */
export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { Ref?: unknown }).Ref === 'string') return (value as { Ref: string }).Ref;
  return undefined;
}

/** Adds left to right: totals depend on the order floating-point amounts are added in. */
export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
