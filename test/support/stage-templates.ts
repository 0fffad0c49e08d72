import { Stack } from 'aws-cdk-lib';
import type { StageConfig, StageConfigInput } from '../../lib/config';
import { testStage } from './app';
import type { AwsEnvironment } from './physical-names';
import type { CfnResourceJson } from '../../tools/local/template-resources';

/** A synthesized template, with the sections cross-stack references read. */
export interface TemplateJson {
  readonly Resources?: Readonly<Record<string, CfnResourceJson>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown; readonly Export?: { readonly Name?: unknown } }>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

export interface StackTemplate {
  /** The CloudFormation stack name (`gantry-prod-data`), what `Fn::GetStackOutput` names. */
  readonly stackName: string;
  readonly template: TemplateJson;
}

/** Every stack of one stage, as CloudFormation would receive them, and where they deploy. */
export interface StageTemplates {
  readonly config: StageConfig;
  readonly environment: AwsEnvironment;
  readonly stacks: readonly StackTemplate[];
}

/**
 * The account an environment-agnostic stage (one without `account`, like dev) is simulated in:
 * its templates say `Ref AWS::AccountId`, which resolves to the deploying account.
 */
export const AGNOSTIC_ACCOUNT = '123456789012';

/** The environment a stage's config deploys to. */
export function stageEnvironment(config: StageConfig): AwsEnvironment {
  return { account: config.account ?? AGNOSTIC_ACCOUNT, region: config.region, partition: 'aws', urlSuffix: 'amazonaws.com' };
}

/**
 * Synthesizes one stage (cdk-nag included, bundling skipped: templates only) and returns every
 * stack's template. Takes about as long as the stage's synth: call it once per test file.
 */
export function synthesizeStageTemplates(stage: string | StageConfigInput): StageTemplates {
  const { stage: gantryStage } = testStage(stage);
  const config = gantryStage.config;
  const assembly = gantryStage.synth();
  const stacks = gantryStage.node.children
    .filter((child): child is Stack => Stack.isStack(child))
    .map((stack) => ({ stackName: stack.stackName, template: assembly.getStackArtifact(stack.artifactId).template as TemplateJson }));
  return { config, environment: stageEnvironment(config), stacks };
}
