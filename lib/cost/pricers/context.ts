/** The figures the pricers read from all templates of a stage at once, and which model a stack belongs to. */
import type { ModelConfig, StageConfig } from '../../config';
import { LAKE_ZONES, MODEL_TAG_KEY, modelStackName as modelStackNameOf, PARAMETER_KEYS, parameterName } from '../../contract';
import { resourceTags } from '../resource-tags';
import type { StackTemplate } from '../types';
import { refOf, type PricingContext } from './pricer';

function budgetNameOf(value: unknown): string {
  return typeof value === 'string' ? value : (refOf(value) ?? JSON.stringify(value));
}

export function pricingContext(config: StageConfig, stacks: readonly StackTemplate[]): PricingContext {
  const all = stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).map(([id, r]) => ({ stack: s, id, r })));
  const ofType = (type: string) => all.filter((x) => x.r.Type === type);
  // The lake's zone buckets, found through the SSM parameters that publish their names.
  const lakeBuckets = new Map<string, string>();
  for (const { r } of ofType('AWS::SSM::Parameter')) {
    const ref = refOf(r.Properties?.['Value']);
    const zone = LAKE_ZONES.find((z) => r.Properties?.['Name'] === parameterName(config.name, PARAMETER_KEYS.bucket(z)));
    if (ref && zone) lakeBuckets.set(ref, zone);
  }
  // Budgets that an action makes action-enabled, in template order (the first two are free).
  const actionBudgets = new Set(ofType('AWS::Budgets::BudgetsAction').map(({ r }) => budgetNameOf(r.Properties?.['BudgetName'])));
  const actionEnabledBudgets = ofType('AWS::Budgets::Budget')
    .filter(({ id, r }) => actionBudgets.has(budgetNameOf((r.Properties?.['Budget'] as Record<string, unknown> | undefined)?.['BudgetName'])) || actionBudgets.has(id))
    .map(({ stack, id }) => `${stack.stackName}/${id}`);
  const emailSubscriptions = new Map<string, number>();
  for (const { stack, r } of ofType('AWS::SNS::Subscription')) {
    const topic = refOf(r.Properties?.['TopicArn']);
    if (topic && r.Properties?.['Protocol'] === 'email') emailSubscriptions.set(`${stack.stackName}/${topic}`, (emailSubscriptions.get(`${stack.stackName}/${topic}`) ?? 0) + 1);
  }
  return {
    config,
    stacks,
    logGroupCount: ofType('AWS::Logs::LogGroup').length,
    natGatewayCount: ofType('AWS::EC2::NatGateway').length,
    lakeBuckets,
    actionEnabledBudgets,
    emailSubscriptions,
  };
}

/** The model a stack belongs to: the Model tag its resources carry. */
export function stackModel(config: StageConfig, stack: StackTemplate): ModelConfig | undefined {
  for (const resource of Object.values(stack.template.Resources ?? {})) {
    const name = resourceTags(resource)[MODEL_TAG_KEY];
    if (typeof name === 'string') return config.models.find((m) => m.name === name);
  }
  return undefined;
}

/** The stack a model's modelled lines go to: its model stack. */
export function modelStackName(config: StageConfig, stacks: readonly StackTemplate[], model: ModelConfig): string {
  const expected = modelStackNameOf(config.name, model.name);
  return (stacks.find((s) => s.stackName === expected) ?? stacks.find((s) => s.stackName.endsWith(`-model-${model.name}`)))?.stackName ?? expected;
}
