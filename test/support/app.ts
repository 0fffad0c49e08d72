import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineGantryApp } from '../../lib/app';
import { cdkJsonContext } from '../../lib/cdk-context';
import { loadStageConfig, parseStageConfig, type StageConfig, type StageConfigInput } from '../../lib/config';
import type { GantryStage } from '../../lib/stages/gantry-stage';

export interface TestAppOptions {
  /** Bundle Lambda code with esbuild. Unit tests skip it: it is the slow part of a synth. @default false */
  readonly bundling?: boolean;
}

/** A fresh App with cdk.json's context, writing to a temp dir; bundling skipped unless asked. */
export function testApp(options: TestAppOptions = {}): App {
  // Path metadata lets tests find resources by construct path, as in templates the CLI writes.
  const context: Record<string, unknown> = { ...cdkJsonContext(), 'aws:cdk:enable-path-metadata': true };
  if (!options.bundling) context['aws:cdk:bundling-stacks'] = [];
  return new App({ context, outdir: mkdtempSync(join(tmpdir(), 'gantry-cdk-')) });
}

/** A config: a shipped stage by name, or a raw config object validated here. */
export function stageConfig(stage: string | StageConfigInput): StageConfig {
  return typeof stage === 'string' ? loadStageConfig(stage) : parseStageConfig(stage);
}

/** Defines one Gantry stage (with cdk-nag) on a test App. */
export function testStage(stage: string | StageConfigInput, options: TestAppOptions = {}): { app: App; stage: GantryStage } {
  const app = testApp(options);
  const [gantryStage] = defineGantryApp(app, [stageConfig(stage)]);
  return { app, stage: gantryStage! };
}

/** The data stack's template of a stage. */
export function dataTemplate(stage: string | StageConfigInput): Template {
  return Template.fromStack(testStage(stage).stage.data);
}
