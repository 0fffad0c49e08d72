#!/usr/bin/env node
// `npm start`: synthesizes every configured stage offline (real esbuild bundling, cdk-nag and
// AWS Control Tower's proactive controls on) into cdk.out and prints, per stage and stack, the
// resource count and the cost tag values, then each stage's estimated idle and expected monthly
// cost and where its cost tags get activated, and how many Control Tower exceptions apply.
// Exits 1 when a stage's cost cannot be estimated (a resource without a price).
import { synthesizeStages } from '../lib/app';
import { ConfigError, loadAllStageConfigs } from '../lib/config';
import { controlTowerOutcome } from '../lib/control-tower';
import { formatSummary, summarizeAssembly } from '../cli/summary';

function main(): void {
  const started = Date.now();
  const configs = loadAllStageConfigs();
  const assembly = synthesizeStages(configs, { outdir: 'cdk.out' });
  const summaries = summarizeAssembly(assembly, configs);
  console.log(formatSummary(summaries));
  // The synth throws on any unacknowledged finding, so reaching here means both passed.
  const controlTower = controlTowerOutcome(assembly.directory);
  console.log(`\nSynthesized ${configs.length} stage(s) into ${assembly.directory} in ${((Date.now() - started) / 1000).toFixed(1)} s; cdk-nag AwsSolutions: no unacknowledged findings.`);
  console.log(
    `AWS Control Tower proactive controls (cfn-guard): passed; ${controlTower.acknowledged} finding(s) acknowledged as exceptions (${controlTower.controls.join(', ') || 'none'}; reasons in lib/control-tower.ts).`,
  );
  const unestimated = summaries.filter((s) => 'error' in s.cost);
  if (unestimated.length > 0) {
    console.error(`Cannot estimate the cost of ${unestimated.map((s) => s.stage).join(', ')}: every resource needs a price (see lib/cost/prices.ts).`);
    process.exitCode = 1;
  }
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
