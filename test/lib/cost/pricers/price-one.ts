import type { ModelConfig, StageConfig } from '../../../../lib/config';
import { PRICERS, pricingContext, UsedPrices, type LineCost } from '../../../../lib/cost/pricers';
import type { StackTemplate } from '../../../../lib/cost/types';
import { stageConfig } from '../../../support/app';

/** Prices one resource through the estimator's table, in a stack of its own beside `others`, and returns its line and the prices it used. */
export function priceOne(
  type: string,
  props: Record<string, unknown>,
  options: { readonly config?: StageConfig; readonly model?: ModelConfig; readonly others?: StackTemplate['template']['Resources'] } = {},
): { cost: LineCost | undefined; prices: string[] } {
  const config = options.config ?? stageConfig('dev');
  const stack: StackTemplate = { stackName: 'gantry-dev-test', template: { Resources: { ...options.others, Subject: { Type: type, Properties: props } } } };
  const prices = new UsedPrices();
  const pricer = PRICERS.get(type);
  if (pricer === undefined) throw new Error(`no pricer for ${type}`);
  const cost = pricer({ stack, logicalId: 'Subject', type, props, model: () => options.model }, prices, pricingContext(config, [stack]));
  return { cost, prices: prices.keys };
}
