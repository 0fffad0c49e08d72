import { App } from 'aws-cdk-lib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineGantryApp } from '../../lib/app';
import { cdkJsonContext } from '../../lib/cdk-context';
import { loadStageConfig } from '../../lib/config';
import type { GantryStage } from '../../lib/stages/gantry-stage';

/**
 * A shipped stage defined as `cdk synth` would, with cdk.json's context and path metadata (so
 * resources are found by construct path), bundling skipped: local runs call the handlers
 * in-process, not their bundles.
 */
export function offlineStage(stageName: string): GantryStage {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true }, outdir: mkdtempSync(join(tmpdir(), `gantry-${stageName}-cdk-`)) });
  const [stage] = defineGantryApp(app, [loadStageConfig(stageName)]);
  return stage!;
}
