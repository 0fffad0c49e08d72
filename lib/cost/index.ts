/** The cost estimate: price table, estimator and report renderer (see `types.ts`). */
export { estimateStage, FREE_RESOURCE_TYPES, modelUsage, UNTAGGED, type ModelUsage } from './estimate';
export { findPrice, HOURS_PER_MONTH, price, PRICES, PRICES_RETRIEVED, regionalFactor } from './prices';
export { renderReport } from './render';
export { resourceTags, type TemplateResource } from './resource-tags';
export * from './types';
