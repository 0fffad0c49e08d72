import { CfnResource, Stack, Validations, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllStageConfigs } from '../../lib/config';
import { GantryStage } from '../../lib/stages/gantry-stage';
import { testApp } from '../support/app';
// cdk-nag names a wildcard after the resource as it flattens it; compare with its own function.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { flattenCfnReference } = require('cdk-nag/lib/utils/flatten-cfn-reference') as { flattenCfnReference: (reference: unknown) => string };

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role']);

/** Every statement of the IAM policies at or below `scope`, as its stack's template has it. */
function statementsBelow(scope: IConstruct): Array<{ Action?: unknown; Resource?: unknown }> {
  return scope.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && POLICY_TYPES.has(c.cfnResourceType))
    .flatMap((resource) => {
      const stack = Stack.of(resource);
      const properties = (stack.resolve((resource as unknown as { _toCloudFormation(): Record<string, any> })._toCloudFormation()) as { Resources: Record<string, { Properties?: Record<string, any> }> }).Resources;
      return Object.values(properties).flatMap((r) => [r.Properties?.PolicyDocument, ...(r.Properties?.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)]);
    })
    .filter((document): document is { Statement: Array<{ Action?: unknown; Resource?: unknown }> } => document !== undefined)
    .flatMap((document) => document.Statement);
}

/**
 * cdk-nag acknowledgements must describe permissions that exist: an acknowledgement of a
 * wildcard that no policy grants is a reason nobody checks (one such claimed a KMS grant that
 * was never there, and the workflows could not publish). Each IAM5 acknowledgement of every
 * shipped stage must match a statement at or below the construct it is on.
 */
/** Every acknowledgement recorded on the tree during its synth. */
function acknowledgementsOf(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Stored as CDK normalizes them for annotations: `Annotation::AwsSolutions-IAM5[…]`.
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^Annotation::/, ''), reason }))),
  );
}

/** The IAM5 acknowledgements that match no statement at or below the construct they are on. */
function unfounded(app: App, acknowledgements: readonly Acknowledgement[]): string[] {
  const result: string[] = [];
  for (const a of acknowledgements.filter((x) => x.id.startsWith('AwsSolutions-IAM5['))) {
    const [, kind, value] = /^AwsSolutions-IAM5\[(Resource|Action)::(.+)\]$/.exec(a.id)!;
    const scope = app.node.findAll().find((c) => c.node.path === a.path)!;
    const found = statementsBelow(scope).some((s) =>
      kind === 'Action' ? [s.Action].flat().includes(value) : [s.Resource].flat().some((r) => r !== undefined && flattenCfnReference(r) === value),
    );
    if (!found) result.push(`${a.path}: ${a.id}`);
  }
  return result;
}

/** An app of the given stages, synthesized without validation plugins: the acknowledgements are recorded by the tree's own validation. */
function synthesized(names: readonly string[], plant?: (stage: GantryStage) => void): App {
  const app = testApp();
  for (const config of loadAllStageConfigs().filter((c) => names.includes(c.name))) {
    const stage = new GantryStage(app, `Gantry-${config.name}`, { config });
    plant?.(stage);
  }
  app.synth();
  return app;
}

/**
 * cdk-nag acknowledgements must describe permissions that exist: an acknowledgement of a
 * wildcard that no policy grants is a reason nobody checks (one such claimed a KMS grant that
 * was never there, and the workflows could not publish). Each IAM5 acknowledgement of every
 * shipped stage must match a statement at or below the construct it is on.
 */
describe('cdk-nag acknowledgements of the shipped stages', () => {
  let app: App;
  let acknowledgements: Acknowledgement[];

  beforeAll(() => {
    app = synthesized(loadAllStageConfigs().map((c) => c.name));
    acknowledgements = acknowledgementsOf(app);
  });

  it('has wildcard acknowledgements to check, each with a specific reason', () => {
    const wildcards = acknowledgements.filter((a) => a.id.startsWith('AwsSolutions-IAM5['));
    expect(wildcards.length).toBeGreaterThan(20);
    for (const a of acknowledgements) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(30);
  });

  it('acknowledges only wildcard actions and resources that a policy really grants', () => {
    expect(unfounded(app, acknowledgements)).toEqual([]);
  });

  it('catches a planted acknowledgement of a grant that is not there', () => {
    const planted = synthesized(['dev'], (stage) => {
      const role = stage.models.get('churn')!.pipeline.stateMachine.role;
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: "CDK's publish grant on the KMS-encrypted topic (planted: no such grant exists)." });
    });
    expect(unfounded(planted, acknowledgementsOf(planted))).toEqual(['Gantry-dev/Model-churn/Training/StateMachine/Role: AwsSolutions-IAM5[Action::kms:GenerateDataKey*]']);
  });
});
