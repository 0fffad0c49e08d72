import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadAllStageConfigs, loadStageConfig, STAGES } from '../../lib/config';
import { COST_TAG_KEYS } from '../../lib/contract';
import { actualSpend, compareSpend, DAYS_PER_MONTH, estimateStage, renderReport, renderSpendComparison, spendComparisonJson, UNTAGGED, type ReportFormat } from '../../lib/cost';
import { parseFlags, required, UsageError } from '../args';
import { DEFAULT_CDK_OUT, stageTemplates } from '../cdk-out';
import type { CliClients, CliIo } from '../context';
import { costAndUsageSource } from '../cost-explorer';
import { print } from '../output';

const FORMATS: readonly ReportFormat[] = ['md', 'csv', 'json', 'html'];

export const COST_HELP = `gantry cost <command> [flags]

  report  [--stage S] [--format ${FORMATS.join('|')}] [--out FILE] [--cdk-out DIR]
          Estimates each stage's monthly cost from its synthesized templates and the usage its
          config assumes: idle (no traffic) and expected, per resource and per value of each
          cost tag, with every price's source and date. Default: every configured stage, as
          Markdown (--json is --format json), on stdout or in --out FILE. The templates come
          from cdk.out (or --cdk-out DIR); when that is missing, lacks the stage or is older
          than the sources (lib/, bin/, lambdas/, cdk.json), every stage is synthesized there
          first, in-process and without Lambda bundling, since only the templates are read
          (\`npm start\` bundles again). Exits 1 when a resource has no price: nothing is ever
          priced as zero.
  actual  --stage S --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--cdk-out DIR]
          What Cost Explorer recorded for the stage (cost tagged Environment=<its environment
          tag>) from --from up to --to (excluded), beside the estimate prorated to the period
          (expected monthly × days / ${DAYS_PER_MONTH.toFixed(2)}), per value of each cost tag
          (${COST_TAG_KEYS.join(', ')}): actual, estimate, difference and
          actual/estimate. A value with cost on one side only is listed too; cost without the
          tag shows as ${UNTAGGED}. Tags reach Cost Explorer only once they are activated as
          cost-allocation tags in the organization's payer account (\`npm start\` prints how),
          and only for usage after that; its data lags about 24 h. One GetCostAndUsage request
          per tag and page (needs ce:GetCostAndUsage; Cost Explorer charges $0.01 a request).
          The templates: as for \`report\`.`;

export async function costCommand(command: string | undefined, args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  switch (command) {
    case 'report':
      return report(args, io);
    case 'actual':
      return actual(args, io, clients);
    default:
      throw new UsageError(command === undefined ? `missing cost command\n\n${COST_HELP}` : `unknown cost command "${command}"\n\n${COST_HELP}`);
  }
}

const CDK_OUT_OPTION = { 'cdk-out': { type: 'string' } } as const;

async function report(args: readonly string[], io: CliIo): Promise<number> {
  const values = parseFlags(args, { ...CDK_OUT_OPTION, format: { type: 'string' }, out: { type: 'string' } });
  const format = formatOf(values);
  if (values.out === '') throw new UsageError('--out must name a file');
  const cdkOut = cdkOutOf(values);
  const configs = values.stage === undefined ? loadAllStageConfigs() : [loadStageConfig(knownStage(values.stage))];
  const stacks = stageTemplates(configs, cdkOut, io);
  const estimates = configs.map((config) => estimateStage(config, stacks.get(config.name)!));
  const text = renderReport(estimates, format);
  if (values.out === undefined) {
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  }
  try {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, text);
  } catch (error) {
    throw new UnwritableOutputError(`--out ${values.out} cannot be written: ${(error as Error).message}`, { cause: error });
  }
  io.stderr(`gantry: wrote the ${format} cost report of ${configs.map((c) => c.name).join(', ')} to ${values.out}\n`);
  return 0;
}

/** A file the command cannot write. The CLI exits 1. */
export class UnwritableOutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnwritableOutputError';
  }
}

function formatOf(values: { format?: string; json?: boolean }): ReportFormat {
  if (values.json && values.format !== undefined && values.format !== 'json') throw new UsageError(`--json asks for --format json, not ${values.format}: pass one of them`);
  const format = values.format ?? (values.json ? 'json' : 'md');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  return format as ReportFormat;
}

function knownStage(stage: string): string {
  if (!Object.hasOwn(STAGES, stage)) throw new UsageError(`--stage ${JSON.stringify(stage)} is not a configured stage; known stages: ${Object.keys(STAGES).join(', ')}`);
  return stage;
}

function cdkOutOf(values: { 'cdk-out'?: string }): string {
  const dir = values['cdk-out'];
  if (dir === '') throw new UsageError('--cdk-out must name a directory');
  return dir === undefined ? DEFAULT_CDK_OUT : resolve(dir);
}

async function actual(args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  const values = parseFlags(args, { ...CDK_OUT_OPTION, from: { type: 'string' }, to: { type: 'string' } });
  const config = loadStageConfig(knownStage(required(values, 'stage')));
  const from = dateFlag(values, 'from');
  const to = dateFlag(values, 'to');
  if (from >= to) throw new UsageError(`--from must be before --to (got ${from} and ${to}); --to is excluded`);
  const cdkOut = cdkOutOf(values);

  const environment = config.tags.environment;
  const spend = await actualSpend(costAndUsageSource(clients.costExplorer()), { from, to, environment });
  const stacks = stageTemplates([config], cdkOut, io);
  const comparison = compareSpend({ estimate: estimateStage(config, stacks.get(config.name)!), environment, from, to, spend });
  print(io, values, spendComparisonJson(comparison), () => renderSpendComparison(comparison));
  return 0;
}

function dateFlag(values: Record<string, unknown>, flag: 'from' | 'to'): string {
  const raw = required(values, flag);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) throw new UsageError(`--${flag} must be a date as YYYY-MM-DD, such as 2026-11-01 (got ${JSON.stringify(raw)})`);
  return raw;
}
