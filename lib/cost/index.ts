/** The cost estimate: price table, pricers, estimator, actual spend and the report renderers (see `types.ts`). */
export { actualSpend, costAndUsageRequest, CostExplorerError, tagValueOf, type ActualSpend, type CostAndUsagePage, type CostAndUsageRequest, type CostAndUsageSource, type SpendPeriod } from './actual-spend';
export { estimateStage } from './estimate';
export { formatCount, formatLineUsd, formatPrice, formatUsd, type UsdFormat } from './format';
export { FREE_RESOURCE_TYPES, PRICERS } from './pricers';
export { findPrice, price, PRICES, PRICES_RETRIEVED, regionalFactor } from './prices';
export { renderReport } from './render';
export { resourceTags, type TemplateResource } from './resource-tags';
export { compareSpend, daysBetween, lineUp, renderSpendComparison, spendComparisonJson, type SpendComparison, type SpendRow } from './spend-comparison';
export * from './types';
export { DAYS_PER_MONTH, HOURS_PER_MONTH } from './units';
export { modelUsage, type ModelUsage } from './usage';
