import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { cdkJsonContext } from './cdk-context';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StageConfig } from './config';
import { acknowledgeControlTowerExceptions, ControlTowerChecks } from './control-tower';
import { GantryStage } from './stages/gantry-stage';

/** Construct id of a stage's `cdk.Stage`, e.g. `Gantry-dev`. */
export function stageId(config: StageConfig): string {
  return `Gantry-${config.name}`;
}

/**
 * Adds one `GantryStage` per config to the app and runs cdk-nag's AwsSolutions pack and AWS
 * Control Tower's proactive controls (cfn-guard) over each: `app.synth()` fails on any finding
 * that is not acknowledged with a reason (the Control Tower exceptions are in control-tower.ts).
 */
export function defineGantryApp(app: App, configs: readonly StageConfig[]): GantryStage[] {
  return configs.map((config) => {
    const stage = new GantryStage(app, stageId(config), { config });
    // Validation plugins run per Stage: one registered on the App never sees a Stage's stacks.
    Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage), new ControlTowerChecks());
    acknowledgeControlTowerExceptions(stage);
    return stage;
  });
}

/**
 * Synthesizes every given stage, with cdk-nag and the Control Tower controls, into `outdir`
 * (cdk.json's feature flags apply).
 * `bundling: false` skips Lambda bundling when only the templates are needed.
 */
export function synthesizeStages(configs: readonly StageConfig[], options: { readonly outdir: string; readonly bundling?: boolean }): CloudAssembly {
  const context: Record<string, unknown> = cdkJsonContext();
  if (options.bundling === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir: options.outdir, context });
  defineGantryApp(app, configs);
  return app.synth();
}
