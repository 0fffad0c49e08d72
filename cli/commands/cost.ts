import { GetCostAndUsageCommand, type CostExplorerClient, type GetCostAndUsageCommandInput } from '@aws-sdk/client-cost-explorer';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stageId, synthesizeStages } from '../../lib/app';
import { loadAllStageConfigs, loadStageConfig, STAGES, type StageConfig } from '../../lib/config';
import { COST_TAG_KEYS, type CostTagKey } from '../../lib/contract';
import { estimateStage, renderReport, UNTAGGED, type CostEstimate, type ReportFormat, type StackTemplate } from '../../lib/cost';
import { parseFlags, required, UsageError } from '../args';
import type { CliClients, CliIo } from '../context';
import { print } from '../output';

const FORMATS: readonly ReportFormat[] = ['md', 'csv', 'json', 'html'];

/** The project's root: the synthesized app and its sources (lib/, bin/, lambdas/, cdk.json). */
const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** What a synthesis depends on: a file here newer than cdk.out's manifest makes cdk.out stale. */
const SOURCES = ['lib', 'bin', 'lambdas', 'cdk.json'];

/** Days in an average month: the estimate is monthly, Cost Explorer's period is any number of days. */
export const DAYS_PER_MONTH = 365 / 12;

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

/** Cost Explorer refused or failed a request. The CLI exits 1. */
export class CostExplorerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CostExplorerError';
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
  return dir === undefined ? join(PROJECT_ROOT, 'cdk.out') : resolve(dir);
}

// ---------------------------------------------------------------------------------------------
// The synthesized templates

/**
 * Each stage's synthesized stacks, by stage name, read from `cdkOut`. Synthesizes every stage
 * there first when `cdkOut` is missing, stale or lacks one of the stages (telling the user on stderr).
 */
function stageTemplates(configs: readonly StageConfig[], cdkOut: string, io: CliIo): Map<string, StackTemplate[]> {
  let reason = synthReason(cdkOut);
  let assembly: CloudAssembly | undefined;
  if (reason === undefined) {
    try {
      assembly = new CloudAssembly(cdkOut);
      const missing = configs.map(stageId).filter((id) => !assembly!.nestedAssemblies.some((n) => n.displayName === id));
      if (missing.length > 0) reason = `it has no ${missing.join(', ')}`;
    } catch (error) {
      reason = `it cannot be read: ${(error as Error).message}`;
    }
  }
  if (reason !== undefined) assembly = synthesize(cdkOut, reason, io);
  return new Map(
    configs.map((config) => {
      const nested = assembly!.nestedAssemblies.find((n) => n.displayName === stageId(config));
      if (nested === undefined) throw new Error(`the app synthesized into ${cdkOut} has no stage ${stageId(config)}`);
      return [config.name, nested.nestedAssembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template as StackTemplate['template'] }))];
    }),
  );
}

/** Why `cdkOut` must be synthesized again, or undefined when it is up to date. */
export function synthReason(cdkOut: string, root: string = PROJECT_ROOT): string | undefined {
  const manifest = join(cdkOut, 'manifest.json');
  if (!existsSync(manifest)) return `${cdkOut} holds no synthesized app`;
  const synthesized = statSync(manifest).mtimeMs;
  const newest = newestFile(SOURCES.map((s) => join(root, s)));
  if (newest !== undefined && newest.mtimeMs > synthesized) return `${relative(root, newest.path)} changed after the last synthesis`;
  return undefined;
}

/** The most recently modified file under the given files and directories (node_modules skipped). */
function newestFile(paths: readonly string[]): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (newest === undefined || stat.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: stat.mtimeMs };
    }
  };
  paths.forEach(visit);
  return newest;
}

/** Synthesizes every configured stage into `cdkOut`, as `npm start` does but without bundling. */
function synthesize(cdkOut: string, reason: string, io: CliIo): CloudAssembly {
  io.stderr(`gantry: synthesizing every stage into ${cdkOut} first (${reason}); Lambda bundling is skipped, since the estimate reads only the templates (npm start bundles again)\n`);
  return synthesizeStages(loadAllStageConfigs(), { outdir: cdkOut, bundling: false });
}

// ---------------------------------------------------------------------------------------------
// Actual spend

/** Actual spend by tag key and value (USD over the period), as Cost Explorer reports it. */
export type ActualSpend = ReadonlyMap<CostTagKey, ReadonlyMap<string, number>>;

/** One tag value: what Cost Explorer recorded beside what the estimate expects for the period. */
export interface SpendRow {
  readonly tag: CostTagKey;
  readonly value: string;
  readonly actualUsd: number;
  /** The expected monthly estimate prorated to the period. */
  readonly estimatedUsd: number;
  /** actual − estimated. */
  readonly differenceUsd: number;
  /** actual / estimated; null when less than a cent is estimated. */
  readonly ratio: number | null;
  /** Set when only one side has cost (a cent or more) for the value. */
  readonly onlyIn?: 'actual' | 'estimate';
}

async function actual(args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  const values = parseFlags(args, { ...CDK_OUT_OPTION, from: { type: 'string' }, to: { type: 'string' } });
  const config = loadStageConfig(knownStage(required(values, 'stage')));
  const from = dateFlag(values, 'from');
  const to = dateFlag(values, 'to');
  if (from >= to) throw new UsageError(`--from must be before --to (got ${from} and ${to}); --to is excluded`);
  const cdkOut = cdkOutOf(values);

  const environment = config.tags.environment;
  const spend = await actualSpend(clients.costExplorer(), { from, to, environment });
  const stacks = stageTemplates([config], cdkOut, io);
  const estimate = estimateStage(config, stacks.get(config.name)!);
  const days = daysBetween(from, to);
  const rows = lineUp(spend.byTag, estimate, days);
  const result = {
    stage: config.name,
    environment,
    from,
    to,
    days,
    monthFraction: round(days / DAYS_PER_MONTH, 4),
    partial: spend.estimated,
    pricesRetrieved: estimate.pricesRetrieved,
    rows: rows.map((r) => ({ ...r, actualUsd: round(r.actualUsd, 2), estimatedUsd: round(r.estimatedUsd, 2), differenceUsd: round(r.differenceUsd, 2), ratio: r.ratio === null ? null : round(r.ratio, 2) })),
  };
  print(io, values, result, () => spendText(result, rows));
  return 0;
}

function dateFlag(values: Record<string, unknown>, flag: 'from' | 'to'): string {
  const raw = required(values, flag);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) throw new UsageError(`--${flag} must be a date as YYYY-MM-DD, such as 2026-11-01 (got ${JSON.stringify(raw)})`);
  return raw;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * What Cost Explorer recorded for the environment in [from, to), grouped by each cost tag in
 * turn: it takes at most two group-bys a request, so one request (and its pages) per tag.
 * `estimated` tells whether Cost Explorer marked any of it as not final yet.
 */
export async function actualSpend(ce: CostExplorerClient, period: { from: string; to: string; environment: string }): Promise<{ byTag: ActualSpend; estimated: boolean }> {
  const byTag = new Map<CostTagKey, Map<string, number>>();
  let estimated = false;
  for (const tag of COST_TAG_KEYS) {
    const values = new Map<string, number>();
    let token: string | undefined;
    do {
      const input: GetCostAndUsageCommandInput = {
        TimePeriod: { Start: period.from, End: period.to },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        Filter: { Tags: { Key: 'Environment', Values: [period.environment], MatchOptions: ['EQUALS'] } },
        GroupBy: [{ Type: 'TAG', Key: tag }],
        ...(token === undefined ? {} : { NextPageToken: token }),
      };
      let page;
      try {
        page = await ce.send(new GetCostAndUsageCommand(input));
      } catch (error) {
        throw costExplorerError(error, tag);
      }
      for (const result of page.ResultsByTime ?? []) {
        estimated ||= result.Estimated === true;
        for (const group of result.Groups ?? []) {
          const value = tagValueOf(group.Keys?.[0] ?? '', tag);
          values.set(value, (values.get(value) ?? 0) + Number(group.Metrics?.UnblendedCost?.Amount ?? 0));
        }
      }
      token = page.NextPageToken || undefined;
    } while (token !== undefined);
    byTag.set(tag, values);
  }
  return { byTag, estimated };
}

/** `Team$growth-ml` → `growth-ml`; `Team$` (cost without the tag) → `(untagged)`. */
export function tagValueOf(groupKey: string, tag: string): string {
  const value = groupKey.startsWith(`${tag}$`) ? groupKey.slice(tag.length + 1) : groupKey;
  return value === '' ? UNTAGGED : value;
}

function costExplorerError(error: unknown, tag: string): CostExplorerError {
  const name = (error as Error).name;
  const hint =
    name === 'AccessDeniedException'
      ? ' (the caller needs ce:GetCostAndUsage)'
      : name === 'DataUnavailableException'
        ? ' (Cost Explorer has no data for the period yet: it fills in about 24 h after it is enabled, and lags about 24 h)'
        : '';
  return new CostExplorerError(`GetCostAndUsage grouped by ${tag} failed: ${name}: ${(error as Error).message}${hint}`, { cause: error });
}

/** Half a cent: amounts below it show as $0.00, and count as no cost. */
const NO_COST_USD = 0.005;

/**
 * Lines actual spend up with the estimate, per value of each cost tag: the estimate's expected
 * monthly cost prorated to `days` (days / (365/12) of a month). A value with cost on one side
 * only is listed with zero on the other; a value with no cost on either side is left out.
 */
export function lineUp(actualByTag: ActualSpend, estimate: CostEstimate, days: number): SpendRow[] {
  const fraction = days / DAYS_PER_MONTH;
  const rows: SpendRow[] = [];
  for (const tag of COST_TAG_KEYS) {
    const actualValues = actualByTag.get(tag) ?? new Map<string, number>();
    const estimated = new Map(estimate.byTag.filter((t) => t.tag === tag).map((t) => [t.value, t.expectedUsd * fraction]));
    const names = [...new Set([...actualValues.keys(), ...estimated.keys()])].sort(byValue);
    for (const value of names) {
      const actualUsd = actualValues.get(value) ?? 0;
      const estimatedUsd = estimated.get(value) ?? 0;
      const hasActual = Math.abs(actualUsd) >= NO_COST_USD;
      const hasEstimate = estimatedUsd >= NO_COST_USD;
      if (!hasActual && !hasEstimate) continue;
      const onlyIn = !hasEstimate ? 'actual' : !hasActual ? 'estimate' : undefined;
      rows.push({ tag, value, actualUsd, estimatedUsd, differenceUsd: actualUsd - estimatedUsd, ratio: hasEstimate ? actualUsd / estimatedUsd : null, ...(onlyIn === undefined ? {} : { onlyIn }) });
    }
  }
  return rows;
}

/** Tag values alphabetically, `(untagged)` last. */
function byValue(a: string, b: string): number {
  return Number(a === UNTAGGED) - Number(b === UNTAGGED) || a.localeCompare(b);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** USD with cents; a sign on request (differences). */
export function usd(n: number, signed = false): string {
  const cents = Math.round(n * 100);
  const sign = cents < 0 ? '-' : signed && cents > 0 ? '+' : '';
  return `${sign}$${(Math.abs(cents) / 100).toFixed(2)}`;
}

function spendText(result: { stage: string; environment: string; from: string; to: string; days: number; monthFraction: number; partial: boolean; pricesRetrieved: string }, rows: readonly SpendRow[]): string {
  const lines = [
    `${result.stage}: Cost Explorer (Environment=${result.environment}, unblended) from ${result.from} to ${result.to} (excluded), ${result.days} days, beside the expected estimate × ${result.monthFraction} (${result.days} / ${DAYS_PER_MONTH.toFixed(2)} days; prices retrieved ${result.pricesRetrieved})`,
  ];
  if (result.partial) lines.push('Cost Explorer marks part of the period as estimated: its figures may still change.');
  const recorded = rows.some((r) => r.onlyIn !== 'estimate');
  if (!recorded) {
    lines.push(
      `Cost Explorer recorded no cost tagged Environment=${result.environment} in the period: are the cost-allocation tags activated in the payer account (npm start prints how)? Its data also lags about 24 h.`,
    );
  }
  lines.push('');
  const header = ['tag', 'value', 'actual', 'estimate', 'difference', 'ratio', ''];
  const cells = rows.map((r) => [
    r.tag,
    r.value,
    usd(r.actualUsd),
    usd(r.estimatedUsd),
    usd(r.differenceUsd, true),
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.onlyIn === 'actual' ? 'not in the estimate' : r.onlyIn === 'estimate' ? 'none in Cost Explorer' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  // Tags and values read left to right; amounts line up on the right.
  const format = (row: readonly string[]): string => row.map((cell, i) => (i < 2 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(format(header), ...cells.map(format));
  return lines.join('\n');
}
