import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { STAGES, type StageConfigInput } from '../../../lib/config';
import { estimateStage, type CostEstimate, type CostLine, type StackTemplate } from '../../../lib/cost';
import { stageConfig, testStage } from '../../support/app';

/** The synthesized templates of a stage (bundling skipped), as the estimator reads them. */
export function stageTemplates(stage: string | StageConfigInput): StackTemplate[] {
  const { stage: gantry } = testStage(stage);
  return gantry.node.children
    .filter((c): c is Stack => Stack.isStack(c))
    .map((s) => ({ stackName: s.stackName, template: Template.fromStack(s).toJSON() as StackTemplate['template'] }));
}

/** Synthesizes a stage and estimates it. */
export function estimate(stage: string | StageConfigInput): { estimate: CostEstimate; stacks: StackTemplate[] } {
  const stacks = stageTemplates(stage);
  return { estimate: estimateStage(stageConfig(stage), stacks), stacks };
}

/** A deep copy of a shipped stage's raw config, to modify. */
export function stageCopy(name: 'dev' | 'prod'): StageConfigInput {
  return structuredClone(STAGES[name]!) as StageConfigInput;
}

/** The line of a resource (logical id or modelled name). */
export function lineOf(e: CostEstimate, resource: string): CostLine {
  const found = e.lines.find((l) => l.resource === resource);
  if (!found) throw new Error(`no line ${resource} in ${e.lines.map((l) => l.resource).join(', ')}`);
  return found;
}

/** The lines as text, dearest first: the breakdown a failing assertion shows. */
export function breakdown(e: CostEstimate, field: 'idleUsd' | 'expectedUsd'): string {
  return [...e.lines]
    .filter((l) => l[field] > 0)
    .sort((a, b) => b[field] - a[field])
    .map((l) => `  ${l[field].toFixed(4).padStart(10)}  ${l.stack} ${l.resource} (${l.type}): ${l.basis}`)
    .join('\n');
}
