/**
 * The monthly cost estimate of a stage: every resource of its synthesized templates, priced by
 * the pricer of its service (`pricers/`) or explicitly free, plus the SageMaker resources the
 * workflows create at run time (CloudFormation cannot see them), modelled from the config. An
 * unknown resource or instance type throws `UnpricedError`: it is never priced as zero.
 *
 * Money keeps full precision here; rendering rounds it (`format.ts`).
 */
import { modelTags, type StageConfig } from '../config';
import { COST_TAG_KEYS, type CostTagKey } from '../contract';
import { freeReason, isFreeType, modelledLines, modelStackName, PRICERS, pricingContext, stackModel, unpriced, UsedPrices, type LineCost, type PricingContext } from './pricers';
import { sum } from './pricers/pricer';
import { price, PRICES_RETRIEVED, regionalFactor } from './prices';
import { resourceTags } from './resource-tags';
import { UNTAGGED, type CostEstimate, type CostLine, type FreeResources, type StackTemplate, type TagTotal } from './types';

type Resource = NonNullable<StackTemplate['template']['Resources']>[string];

/**
 * Estimates one stage's monthly cost.
 * @throws UnpricedError for a resource type that is neither priced nor free, or an instance type without a price.
 */
export function estimateStage(config: StageConfig, stacks: readonly StackTemplate[]): CostEstimate {
  const ctx = pricingContext(config, stacks);
  const lines: CostLine[] = [];
  const free = new Map<string, number>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const line = priceResource(ctx, stack, logicalId, resource);
      if (line === undefined) {
        free.set(resource.Type, (free.get(resource.Type) ?? 0) + 1);
        continue;
      }
      lines.push(finish(stack.stackName, { resource: logicalId, type: resource.Type, ...line.cost, prices: line.prices }, costTags(resource)));
    }
  }
  for (const model of config.models) {
    const stackName = modelStackName(config, stacks, model);
    const tags = modelTags(config, model);
    for (const line of modelledLines(model, ctx)) lines.push(finish(stackName, line, tags));
  }

  const region = regionalFactor(config.region);
  const priced = lines.map((l) => (region.factor === 1 ? l : { ...l, idleUsd: l.idleUsd * region.factor, expectedUsd: l.expectedUsd * region.factor }));
  const used = new Set(priced.flatMap((l) => l.prices));
  const dates = [...used].map((key) => price(key).retrieved).sort();
  const freeResources: FreeResources[] = [...free.entries()]
    .map(([type, count]) => ({ type, count, reason: freeReason(type) }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return {
    stage: config.name,
    region: config.region,
    regionalFactor: region,
    idleUsd: sum(priced.map((l) => l.idleUsd)),
    expectedUsd: sum(priced.map((l) => l.expectedUsd)),
    lines: priced,
    byTag: tagTotals(priced),
    pricesRetrieved: dates[0] ?? PRICES_RETRIEVED,
    freeResources,
  };
}

/** The cost of one template resource and the prices it used, or undefined when the resource is free. */
function priceResource(ctx: PricingContext, stack: StackTemplate, logicalId: string, resource: Resource): { cost: LineCost; prices: readonly string[] } | undefined {
  if (isFreeType(resource.Type)) return undefined;
  const pricer = PRICERS.get(resource.Type);
  if (pricer === undefined) throw unpriced({ type: resource.Type, logicalId, stack });
  const prices = new UsedPrices();
  const cost = pricer({ stack, logicalId, type: resource.Type, props: resource.Properties ?? {}, model: () => stackModel(ctx.config, stack) }, prices, ctx);
  return cost === undefined ? undefined : { cost, prices: prices.keys };
}

interface LineDraft extends LineCost {
  readonly resource: string;
  readonly type: string;
  readonly prices: readonly string[];
}

function finish(stack: string, draft: LineDraft, tags: Readonly<Partial<Record<CostTagKey, string>>>): CostLine {
  return { stack, resource: draft.resource, type: draft.type, tags, idleUsd: draft.idleUsd, expectedUsd: draft.expectedUsd, basis: draft.basis, prices: draft.prices };
}

/** The five cost tags of a template resource. */
function costTags(resource: Resource): Partial<Record<CostTagKey, string>> {
  const tags = resourceTags(resource);
  const out: Partial<Record<CostTagKey, string>> = {};
  for (const key of COST_TAG_KEYS) if (typeof tags[key] === 'string') out[key] = tags[key] as string;
  return out;
}

/** Every value of every cost tag with its totals, a line without the tag counting as untagged. */
function tagTotals(lines: readonly CostLine[]): TagTotal[] {
  const totals: TagTotal[] = [];
  for (const tag of COST_TAG_KEYS) {
    const byValue = new Map<string, { idle: number; expected: number }>();
    for (const line of lines) {
      const value = line.tags[tag] ?? UNTAGGED;
      const t = byValue.get(value) ?? { idle: 0, expected: 0 };
      t.idle += line.idleUsd;
      t.expected += line.expectedUsd;
      byValue.set(value, t);
    }
    const values = [...byValue.keys()].sort((a, b) => (a === UNTAGGED ? 1 : b === UNTAGGED ? -1 : a.localeCompare(b)));
    for (const value of values) totals.push({ tag, value, idleUsd: byValue.get(value)!.idle, expectedUsd: byValue.get(value)!.expected });
  }
  return totals;
}
