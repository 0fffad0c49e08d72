import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP } from '../../cli/main';
import { formatSummary, summarizeAssembly } from '../../cli/summary';
import { synthesizeStages } from '../../lib/app';
import { churnModel } from '../../lib/config/models/churn';
import { ConfigError, loadAllStageConfigs, parseStageConfig, STAGES } from '../../lib/config';

/*
 * The commands behind the docs' example outputs. Each returns exactly what the command prints
 * (the part that does not change from run to run), keyed by the name of its generated block.
 */

/** What `npm start` prints per stage: stacks, resources, tags, cost, warnings (bin/main.ts). */
export function npmStartSummary(): string {
  const configs = loadAllStageConfigs();
  const outdir = mkdtempSync(join(tmpdir(), 'gantry-docs-'));
  try {
    // Bundling changes no template's resources, only the assets' contents: skip it.
    return formatSummary(summarizeAssembly(synthesizeStages(configs, { outdir, bundling: false }), configs));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Thrown when the config sample's bad stage validates: the sample would show no error. */
export class SampleAcceptedError extends Error {
  constructor() {
    super('the config error sample validated: make tools/docs/samples.ts break a rule the schema checks');
    this.name = 'SampleAcceptedError';
  }
}

/** What the app prints for a dev stage with two cross-field mistakes (docs/configuration.md). */
export function configErrorSample(): string {
  const bad = {
    ...STAGES['dev']!,
    models: [churnModel({ training: { spot: { maxWaitSeconds: 3600 } }, serving: { target: 'inf2', instanceType: 'ml.g5.xlarge' } })],
  };
  try {
    parseStageConfig(bad, 'dev');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new SampleAcceptedError();
}

/** Every generated block, computed only when a document holds it (the summary costs a synth). */
export const SAMPLES: Readonly<Record<string, () => string>> = {
  'npm-start': npmStartSummary,
  'gantry-help': () => HELP,
  'config-error': configErrorSample,
};
