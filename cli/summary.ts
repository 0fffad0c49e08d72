import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { stageId } from '../lib/app';
import type { StageConfig } from '../lib/config';
import { COST_TAG_KEYS, MODEL_TAG_KEY, REQUIRED_TAG_KEYS } from '../lib/contract';
import { estimateStage, formatUsd, resourceTags, UnpricedError, type StackTemplate, type TemplateResource } from '../lib/cost';

/** What `npm start` reports for one stack. */
export interface StackSummary {
  readonly stackName: string;
  readonly resourceCount: number;
  /** Resources that carry every required cost tag. */
  readonly taggedCount: number;
  /** Each required tag key with the distinct values found on the stack's resources. */
  readonly tagValues: Readonly<Record<string, readonly string[]>>;
}

/** A stage's estimated monthly cost (`gantry cost report` has the details), or why there is none. */
export type StageCost =
  | {
      readonly idleUsd: number;
      readonly expectedUsd: number;
      /** The region the estimate prices. */
      readonly region: string;
      /** The factor applied to the us-east-1 price table for that region. */
      readonly regionalFactor: number;
      /** The oldest retrieval date among the prices used. */
      readonly pricesRetrieved: string;
    }
  | { readonly error: string };

export interface StageSummary {
  readonly stage: string;
  readonly account: string;
  readonly region: string;
  readonly stacks: readonly StackSummary[];
  /** Warnings the synth attached to constructs (e.g. a serverless endpoint's limits), as `path: text`. */
  readonly warnings: readonly string[];
  readonly cost: StageCost;
  /** The stage deploys to the payer account, so its deploy activates the cost-allocation tags. */
  readonly payerAccount: boolean;
}


/** Summarizes one stack template. */
export function summarizeTemplate(stackName: string, template: { Resources?: Record<string, TemplateResource> }): StackSummary {
  const resources = Object.values(template.Resources ?? {});
  const values: Record<string, Set<string>> = Object.fromEntries(COST_TAG_KEYS.map((k) => [k, new Set<string>()]));
  let taggedCount = 0;
  for (const resource of resources) {
    const tags = resourceTags(resource);
    if (REQUIRED_TAG_KEYS.every((k) => tags[k] !== undefined)) taggedCount++;
    for (const key of COST_TAG_KEYS) if (typeof tags[key] === 'string') values[key]!.add(tags[key] as string);
  }
  return {
    stackName,
    resourceCount: resources.length,
    taggedCount,
    tagValues: Object.fromEntries(Object.entries(values).filter(([k, v]) => v.size > 0 || k !== MODEL_TAG_KEY).map(([k, v]) => [k, [...v].sort()])),
  };
}

/** Summarizes every stage (nested assembly) of a synthesized app, estimating its cost with its config. */
export function summarizeAssembly(assembly: CloudAssembly, configs: readonly StageConfig[]): StageSummary[] {
  return assembly.nestedAssemblies.map((nested) => {
    const stage = nested.nestedAssembly;
    const stacks = stage.stacks;
    const env = stacks[0]?.environment;
    const config = configs.find((c) => stageId(c) === nested.displayName);
    return {
      stage: nested.displayName,
      account: !env?.account || env.account === 'unknown-account' ? 'env-agnostic' : env.account,
      region: env?.region ?? 'unknown-region',
      stacks: stacks.map((s) => summarizeTemplate(s.stackName, s.template)),
      warnings: stacks.flatMap((s) => s.messages.filter((m) => m.level === 'warning').map((m) => `${m.id}: ${String(m.entry.data)}`)),
      cost: config === undefined ? { error: `no configuration for ${nested.displayName}` } : stageCost(config, stacks),
      payerAccount: config?.budgets.payerAccount ?? false,
    };
  });
}

/** The stage's idle and expected monthly cost; an unpriced resource is reported, never priced as zero. */
export function stageCost(config: StageConfig, stacks: readonly StackTemplate[]): StageCost {
  try {
    const estimate = estimateStage(config, stacks.map((s) => ({ stackName: s.stackName, template: s.template })));
    return { idleUsd: estimate.idleUsd, expectedUsd: estimate.expectedUsd, region: estimate.region, regionalFactor: estimate.regionalFactor.factor, pricesRetrieved: estimate.pricesRetrieved };
  } catch (error) {
    if (error instanceof UnpricedError) return { error: `${error.name}: ${error.message}` };
    throw error;
  }
}

/** The command that activates the five cost-allocation tags; it runs in the payer account. */
export const ACTIVATE_COST_TAGS_COMMAND = `aws ce update-cost-allocation-tags-status --cost-allocation-tags-status ${COST_TAG_KEYS.map((k) => `TagKey=${k},Status=Active`).join(' ')}`;

/** The cost line of a stage's block. */
export function costLine(cost: StageCost): string {
  if ('error' in cost) return `cost: cannot be estimated: ${cost.error}`;
  const prices = cost.regionalFactor === 1 ? 'prices us-east-1' : `prices us-east-1 × ${cost.regionalFactor} for ${cost.region}`;
  return `cost: idle ${formatUsd(cost.idleUsd, { grouping: false })}/month, expected ${formatUsd(cost.expectedUsd, { grouping: false })}/month (${prices}, retrieved ${cost.pricesRetrieved}; gantry cost report for details)`;
}

/** Where the stage's cost-allocation tags get activated: Cost Explorer and budgets only see activated tags. */
export function costTagsLine(payerAccount: boolean): string {
  return payerAccount ? 'cost tags: activated by this deploy (payer account)' : `cost tags: activate once in the payer account: ${ACTIVATE_COST_TAGS_COMMAND}`;
}

/** The summary as text, one block per stage. */
export function formatSummary(stages: readonly StageSummary[]): string {
  const lines: string[] = [];
  for (const stage of stages) {
    const total = stage.stacks.reduce((n, s) => n + s.resourceCount, 0);
    lines.push(`${stage.stage}  account ${stage.account}  region ${stage.region}  ${stage.stacks.length} stack(s), ${total} resources`);
    const width = Math.max(...stage.stacks.map((s) => s.stackName.length));
    for (const s of stage.stacks) {
      const tags = Object.entries(s.tagValues)
        .map(([k, v]) => `${k}=${v.length === 0 ? '(none)' : v.join('|')}`)
        .join(' ');
      lines.push(`  ${s.stackName.padEnd(width)}  ${String(s.resourceCount).padStart(4)} resources  ${String(s.taggedCount).padStart(4)} tagged  ${tags}`);
    }
    lines.push(`  ${costLine(stage.cost)}`, `  ${costTagsLine(stage.payerAccount)}`);
    for (const warning of stage.warnings) lines.push(`  warning ${warning}`);
  }
  return lines.join('\n');
}
