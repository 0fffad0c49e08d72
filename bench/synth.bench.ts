// Synthesis of every shipped stage, as `npm start` does it (bundling, cdk-nag), timed over
// a few runs in this process. Prints {"bench":"synth",...}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeStages } from '../lib/app';
import { loadAllStageConfigs } from '../lib/config';

const RUNS = 3;
const configs = loadAllStageConfigs();
const seconds: number[] = [];
let resources = 0;
for (let run = 0; run < RUNS; run++) {
  const outdir = mkdtempSync(join(tmpdir(), 'gantry-bench-'));
  const started = process.hrtime.bigint();
  const assembly = synthesizeStages(configs, { outdir });
  seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  resources = assembly.nestedAssemblies.flatMap((n) => n.nestedAssembly.stacks).reduce((sum, s) => sum + Object.keys(s.template.Resources).length, 0);
  rmSync(outdir, { recursive: true, force: true });
}
const sorted = [...seconds].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'synth',
    stages: configs.length,
    resources,
    runs: RUNS,
    // The first run pays for module loading and the CloudFormation schema; later runs are warm.
    coldSeconds: Number(seconds[0]!.toFixed(2)),
    warmMedianSeconds: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
