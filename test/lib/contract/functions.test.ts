import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../../lib/config';
import { FUNCTION_NAMES, functionServiceName, handlerEntry } from '../../../lib/contract';
import { estimateStage, UnpricedError, type StackTemplate } from '../../../lib/cost';
import type { GantryStage } from '../../../lib/stages/gantry-stage';
import { testStage } from '../../support/app';

const ROOT = join(__dirname, '..', '..', '..');

/** The Powertools service names of the Lambda functions of a template. */
function serviceNames(template: StackTemplate['template']): string[] {
  return Object.values(template.Resources ?? {})
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => (r.Properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables?.['POWERTOOLS_SERVICE_NAME'] ?? '(none)');
}

describe('the one list of functions (lib/contract/functions.ts)', () => {
  let stage: GantryStage;
  let stacks: StackTemplate[];
  beforeAll(() => {
    stage = testStage('dev').stage;
    stacks = stage.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => ({ stackName: s.stackName, template: Template.fromStack(s).toJSON() as StackTemplate['template'] }));
  });

  it('is what the runtime stack creates, one function each', () => {
    expect(Object.keys(stage.runtime.functions).sort()).toEqual([...FUNCTION_NAMES].sort());
    const runtime = stacks.find((s) => s.stackName === stage.runtime.stackName)!;
    expect(serviceNames(runtime.template).sort()).toEqual(FUNCTION_NAMES.map(functionServiceName).sort());
  });

  it('is every handler folder under lambdas/, and each has its entry file', () => {
    const folders = readdirSync(join(ROOT, 'lambdas'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'lambdas', d.name, 'handler.ts')))
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) expect(existsSync(join(ROOT, handlerEntry(name))), name).toBe(true);
  });

  it('is what the cost estimate prices: one Lambda line per function, each by its own invocation model', () => {
    const estimate = estimateStage(loadStageConfig('dev'), stacks);
    const bases = estimate.lines.filter((l) => l.type === 'AWS::Lambda::Function').map((l) => l.basis);
    expect(bases).toHaveLength(FUNCTION_NAMES.length);
    // Drift checks are priced per model on the models' drift lines; every other function by its model.
    for (const name of FUNCTION_NAMES.filter((n) => n !== 'drift')) {
      expect(bases.filter((b) => b.startsWith(`${functionServiceName(name)}: `)), name).toHaveLength(1);
    }
    expect(bases.filter((b) => b.startsWith('drift checks are on the models')), 'drift').toHaveLength(1);
  });

  it('fails the estimate, rather than pricing it at $0, for a function missing from the list', () => {
    const runtime = stacks.find((s) => s.stackName === stage.runtime.stackName)!;
    const [logicalId, fn] = Object.entries(runtime.template.Resources ?? {}).find(([, r]) => r.Type === 'AWS::Lambda::Function')!;
    const props = fn.Properties as { Environment: { Variables: Record<string, string> } };
    const planted: StackTemplate = {
      stackName: runtime.stackName,
      template: { Resources: { [`${logicalId}Planted`]: { ...fn, Properties: { ...props, Environment: { Variables: { ...props.Environment.Variables, POWERTOOLS_SERVICE_NAME: 'gantry-unlisted' } } } } } },
    };
    expect(() => estimateStage(loadStageConfig('dev'), [...stacks, planted])).toThrow(UnpricedError);
    expect(() => estimateStage(loadStageConfig('dev'), [...stacks, planted])).toThrow(/gantry-unlisted is not one of the stage's functions/);
  });
});
