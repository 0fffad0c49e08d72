/**
 * The cost estimate: types shared by the estimator (`lib/cost/`), `gantry cost report|actual`
 * and `npm start`. Deploy-time code (it reads synthesized templates and the config).
 */
import type { CostTagKey } from '../contract';

/** The value a line or a cost without a tag is grouped under. */
export const UNTAGGED = '(untagged)';

/** One price of the dated price table (`lib/cost/prices.ts`). */
export interface Price {
  /** e.g. `sagemaker.hosting.ml.inf2.xlarge`, `kms.key`, `lambda.arm.gb-second`. */
  readonly key: string;
  readonly usd: number;
  /** What one unit is: `hour`, `month`, `GB-month`, `GB-second`, `million requests`, … */
  readonly unit: string;
  /** Where the price comes from (a URL). */
  readonly source: string;
  /** When it was read from there (ISO date). */
  readonly retrieved: string;
  readonly note?: string;
}

/** A synthesized stack, as the estimator reads it. */
export interface StackTemplate {
  readonly stackName: string;
  readonly template: { readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>> };
}

/** One priced or modelled item of the estimate. */
export interface CostLine {
  readonly stack: string;
  /** The template's logical id, or a name for a modelled item (e.g. `churn/endpoint`). */
  readonly resource: string;
  /** A CloudFormation type, or `modelled:sagemaker-endpoint`, `modelled:sagemaker-training`, … */
  readonly type: string;
  /** The resource's values of the five cost tags (what finance groups by). */
  readonly tags: Readonly<Partial<Record<CostTagKey, string>>>;
  /** Monthly USD at zero traffic (always-on resources and fixed fees). */
  readonly idleUsd: number;
  /** Monthly USD at the usage the config assumes (idle included). */
  readonly expectedUsd: number;
  /** How it was computed, in words and numbers, e.g. `1 × ml.inf2.xlarge × 730 h × $0.99`. */
  readonly basis: string;
  /** The price keys used. */
  readonly prices: readonly string[];
}

/** Monthly totals for one value of one cost tag. */
export interface TagTotal {
  readonly tag: CostTagKey;
  readonly value: string;
  readonly idleUsd: number;
  readonly expectedUsd: number;
}

/** Resources of the templates that cost nothing by themselves, by type. */
export interface FreeResources {
  readonly type: string;
  readonly count: number;
  /** Why the type is free (e.g. `IAM has no charge`). */
  readonly reason: string;
}

/** The estimate of one stage. */
export interface CostEstimate {
  readonly stage: string;
  readonly region: string;
  /** Factor applied to us-east-1 prices, and why. */
  readonly regionalFactor: { readonly factor: number; readonly note: string };
  readonly idleUsd: number;
  readonly expectedUsd: number;
  readonly lines: readonly CostLine[];
  /** Every value of every cost tag, with its totals (a line without the tag counts as `(untagged)`). */
  readonly byTag: readonly TagTotal[];
  /** The oldest retrieval date among the prices used. */
  readonly pricesRetrieved: string;
  /** The free resources of the templates, which have no line. */
  readonly freeResources?: readonly FreeResources[];
}

export type ReportFormat = 'md' | 'csv' | 'json' | 'html';

/** Thrown when a resource or instance type has no price: never priced as zero. */
export class UnpricedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnpricedError';
  }
}

/*
 * The API (implemented beside this file):
 *   estimateStage(config: StageConfig, stacks: readonly StackTemplate[]): CostEstimate
 *   renderReport(estimate: CostEstimate | readonly CostEstimate[], format: ReportFormat): string
 *   PRICES: readonly Price[]; price(key: string): Price   // throws UnpricedError naming the key
 *   actualSpend(source: CostAndUsageSource, period: SpendPeriod)   // Cost Explorer, behind a port
 *   compareSpend(...): SpendComparison; renderSpendComparison(c): string
 */
