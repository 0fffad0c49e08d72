/*
 * The templates the limit tests read: both shipped stages, and a stage that pushes every
 * config-driven limit (longest stage and model names, longest deploy wait, longest approval).
 * Synthesized once per test file, without bundling, through the same defineGantryApp as the CLI.
 */
import { defineGantryApp } from '../../lib/app';
import { loadAllStageConfigs, parseStageConfig, STAGES, type StageConfig, type StageConfigInput } from '../../lib/config';
import { testApp } from '../support/app';
import { resolveAsl, type AslDefinition, type AslState, type CfnTemplateJson } from '../../tools/local/state-machine';

export interface TemplateJson extends CfnTemplateJson {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
  readonly Outputs?: Readonly<Record<string, unknown>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

export interface SynthesizedStack {
  readonly stage: StageConfig;
  readonly stackName: string;
  readonly template: TemplateJson;
}

export interface SynthesizedStateMachine {
  readonly stage: StageConfig;
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly definition: AslDefinition;
}

/**
 * A production stage at the edges the config allows: a 16-character stage name with a model
 * name that fills the 38 characters they may share (lib/config/schema.ts), the longest deploy
 * timeout (480 minutes of DescribeEndpoint polls) and the longest manual approval.
 */
export function limitsStage(): StageConfigInput {
  const raw = structuredClone(STAGES.prod) as StageConfigInput & { models: Array<Record<string, any>> };
  raw.name = 'a234567890123456';
  const model = raw.models[0]!;
  model.name = 'b234567890123456789012';
  model.training = { ...model.training, approval: 'manual', approvalTimeoutHours: 24 * 300, maxRuntimeSeconds: 28 * 24 * 3600, spot: { enabled: false } };
  model.preprocessing = { ...model.preprocessing, maxRuntimeSeconds: 5 * 24 * 3600 };
  model.serving = { ...model.serving, deployment: { timeoutMinutes: 480, bakeMinutes: 60, terminationWaitMinutes: 60 } };
  return raw;
}

let cached: { stacks: SynthesizedStack[]; stateMachines: SynthesizedStateMachine[] } | undefined;

/** Every stack template of the shipped stages and of `limitsStage()`, and every state machine's resolved ASL. */
export function synthesized(): { stacks: SynthesizedStack[]; stateMachines: SynthesizedStateMachine[] } {
  if (cached) return cached;
  const configs = [...loadAllStageConfigs(), parseStageConfig(limitsStage())];
  const app = testApp();
  const stages = defineGantryApp(app, configs);
  const assembly = app.synth();
  const stacks: SynthesizedStack[] = [];
  const stateMachines: SynthesizedStateMachine[] = [];
  stages.forEach((stage, i) => {
    for (const artifact of assembly.getNestedAssembly(stage.artifactId).stacks) {
      const template = artifact.template as TemplateJson;
      stacks.push({ stage: configs[i]!, stackName: artifact.stackName, template });
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
        stateMachines.push({
          stage: configs[i]!,
          stackName: artifact.stackName,
          logicalId,
          name: String(resource.Properties?.StateMachineName ?? logicalId),
          definition: resolveAsl(template, logicalId).definition,
        });
      }
    }
  });
  cached = { stacks, stateMachines };
  return cached;
}

/** Every state of a definition, Parallel branches and Map processors included. */
export function* statesOf(definition: { readonly States?: unknown }): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, AslState>)) {
    yield [name, state];
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) yield* statesOf(branch as { States?: unknown });
    for (const inner of [state.ItemProcessor, state.Iterator]) if (inner) yield* statesOf(inner as { States?: unknown });
  }
}
