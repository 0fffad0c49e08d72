import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnResourceJson } from '../../tools/local/template-resources';
import { synthesizeStageTemplates, type StageTemplates, type TemplateJson } from '../support/stage-templates';
import { simulate, type StageSimulation, type SimulatedRequest } from './simulate';

/*
 * The simulation catches what it claims to: a permission removed from a copy of the
 * synthesized templates shows up as exactly the denials it causes, and a permission added
 * where it must not be shows up as exactly the negatives it lets through.
 */

const templates = synthesizeStageTemplates('dev');
let baseline: StageSimulation;
beforeAll(async () => {
  baseline = await simulate(templates);
});

type Statement = { Action?: string | string[]; Effect?: string; Resource?: unknown; [key: string]: unknown };

/** A copy of the stage's templates with `change` applied to the one resource of `type` whose construct path contains `path`. */
function planted(type: string, path: string, change: (resource: CfnResourceJson, template: Record<string, CfnResourceJson>, logicalId: string) => void): StageTemplates {
  const copy = structuredClone(templates) as { -readonly [K in keyof StageTemplates]: StageTemplates[K] };
  const matches = copy.stacks.flatMap((stack) =>
    Object.entries((stack.template as TemplateJson).Resources ?? {})
      .filter(([, resource]) => resource.Type === type && String(resource.Metadata?.['aws:cdk:path'] ?? '').includes(path))
      .map(([id, resource]) => ({ id, resource, resources: stack.template.Resources as Record<string, CfnResourceJson> })),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type} at *${path}*, found ${matches.length}`);
  const [{ id, resource, resources }] = matches as [(typeof matches)[number]];
  change(resource, resources, id);
  return copy;
}

const statementsOf = (policy: CfnResourceJson) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
const key = (r: SimulatedRequest) => `${r.request.principal.id} ${r.request.action} ${r.request.resource} ${r.request.expect ?? 'allow'}`;
const failing = (results: readonly SimulatedRequest[]) => new Set(results.filter((r) => !r.ok).map(key));
/** The requests that fail with the plant and did not without it. */
const newFailures = (results: readonly SimulatedRequest[]) => [...failing(results)].filter((k) => !failing(baseline.results).has(k)).sort();

describe('a planted change to the templates is caught', () => {
  it("without sagemaker:AddTags, exactly the training workflow's tagged job creations are denied", async () => {
    const templatesWithout = planted('AWS::IAM::Policy', 'Training/StateMachine/Role/', (policy) => {
      for (const statement of statementsOf(policy)) {
        if (Array.isArray(statement.Action)) statement.Action = statement.Action.filter((action) => action !== 'sagemaker:AddTags');
      }
    });
    const expected = baseline.results.filter((r) => r.request.action === 'sagemaker:AddTags' && r.request.principal.id.endsWith('Training/StateMachine/Role')).map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(newFailures((await simulate(templatesWithout)).results)).toEqual(expected);
  });

  it("without its grant on the stage key, exactly the training workflow's KMS requests for the encrypted topic are denied", async () => {
    const templatesWithout = planted('AWS::IAM::Policy', 'Training/StateMachine/Role/', (policy) => {
      const statements = statementsOf(policy);
      const grant = statements.findIndex((s) => [s.Action].flat().includes('kms:GenerateDataKey'));
      if (grant < 0) throw new Error('the training role has no kms:GenerateDataKey statement to remove');
      statements.splice(grant, 1);
    });
    const expected = baseline.results.filter((r) => r.request.rule === 'sns-encrypted-topic' && r.request.principal.id.endsWith('Training/StateMachine/Role')).map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(newFailures((await simulate(templatesWithout)).results)).toEqual(expected);
  });

  it('without the Lambda permission of the rollback rule, exactly its invocation by EventBridge is denied', async () => {
    const templatesWithout = planted('AWS::Lambda::Permission', '/RollbackRule/', (_permission, resources, id) => {
      delete resources[id];
    });
    const expected = baseline.results.filter((r) => r.request.principal.id === 'events.amazonaws.com' && r.request.action === 'lambda:InvokeFunction').map(key).sort();
    expect(expected).toHaveLength(1);
    expect(newFailures((await simulate(templatesWithout)).results)).toEqual(expected);
  });

  it('with s3:PutObject on every object, exactly the zone-direction negatives of the job role are allowed', async () => {
    const templatesWith = planted('AWS::IAM::Policy', '/JobRole/Role/', (policy) => {
      statementsOf(policy).push({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' });
    });
    const expected = baseline.results.filter((r) => r.request.rule === 'zone-direction' && r.request.principal.id.endsWith('/JobRole/Role')).map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(newFailures((await simulate(templatesWith)).results)).toEqual(expected);
  });
});
