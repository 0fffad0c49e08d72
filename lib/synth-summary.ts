import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { COST_TAG_KEYS, MODEL_TAG_KEY, REQUIRED_TAG_KEYS } from './contract';

/** What `npm start` reports for one stack. */
export interface StackSummary {
  readonly stackName: string;
  readonly resourceCount: number;
  /** Resources that carry every required cost tag. */
  readonly taggedCount: number;
  /** Each required tag key with the distinct values found on the stack's resources. */
  readonly tagValues: Readonly<Record<string, readonly string[]>>;
}

export interface StageSummary {
  readonly stage: string;
  readonly account: string;
  readonly region: string;
  readonly stacks: readonly StackSummary[];
  /** Warnings the synth attached to constructs (e.g. a serverless endpoint's limits), as `path: text`. */
  readonly warnings: readonly string[];
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: { readonly Tags?: unknown };
}

/** The tags of a template resource: a list of `{ Key, Value }` or (SSM, Glue, ...) a map. */
export function resourceTags(resource: TemplateResource): Record<string, unknown> {
  const tags = resource.Properties?.Tags;
  if (Array.isArray(tags)) return Object.fromEntries(tags.map((t: { Key: string; Value: unknown }) => [t.Key, t.Value]));
  if (tags && typeof tags === 'object') return tags as Record<string, unknown>;
  return {};
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

/** Summarizes every stage (nested assembly) of a synthesized app. */
export function summarizeAssembly(assembly: CloudAssembly): StageSummary[] {
  return assembly.nestedAssemblies.map((nested) => {
    const stage = nested.nestedAssembly;
    const stacks = stage.stacks;
    const env = stacks[0]?.environment;
    return {
      stage: nested.displayName,
      account: !env?.account || env.account === 'unknown-account' ? 'env-agnostic' : env.account,
      region: env?.region ?? 'unknown-region',
      stacks: stacks.map((s) => summarizeTemplate(s.stackName, s.template)),
      warnings: stacks.flatMap((s) => s.messages.filter((m) => m.level === 'warning').map((m) => `${m.id}: ${String(m.entry.data)}`)),
    };
  });
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
    for (const warning of stage.warnings) lines.push(`  warning ${warning}`);
  }
  return lines.join('\n');
}
