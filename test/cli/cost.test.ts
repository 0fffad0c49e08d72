import { CostExplorerClient, GetCostAndUsageCommand, type GetCostAndUsageCommandInput, type GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { mockClient } from 'aws-sdk-client-mock';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliClients } from '../../cli/context';
import { run } from '../../cli/main';
import { loadStageConfig } from '../../lib/config';
import type { CostTagKey } from '../../lib/contract';
import { estimateStage, renderReport, type CostEstimate } from '../../lib/cost';

// Cost Explorer has no local engine: its client is mocked and the exact requests asserted.
const ceMock = mockClient(CostExplorerClient);
const clients = { costExplorer: () => new CostExplorerClient({ region: 'us-east-1' }) } as unknown as CliClients;

async function gantry(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} }, clients);
  return { code, stdout, stderr };
}

const TAGS: readonly CostTagKey[] = ['CostCenter', 'Team', 'Project', 'Environment', 'Model'];

/** The request `gantry cost actual --stage dev` sends, grouped by `tag`. */
const request = (tag: string, from: string, to: string, token?: string): GetCostAndUsageCommandInput => ({
  TimePeriod: { Start: from, End: to },
  Granularity: 'MONTHLY',
  Metrics: ['UnblendedCost'],
  Filter: { Tags: { Key: 'Environment', Values: ['dev'], MatchOptions: ['EQUALS'] } },
  GroupBy: [{ Type: 'TAG', Key: tag }],
  ...(token === undefined ? {} : { NextPageToken: token }),
});

const group = (key: string, amount: string) => ({ Keys: [key], Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } } });
const month = (start: string, end: string, groups: ReturnType<typeof group>[], estimated = false) => ({ TimePeriod: { Start: start, End: end }, Total: {}, Groups: groups, Estimated: estimated });

describe('gantry cost', () => {
  // One synthesis (without bundling) shared by the tests: the first `cost report` makes it.
  const cdkOut = join(mkdtempSync(join(tmpdir(), 'gantry-cost-')), 'cdk.out');
  let firstRun: { code: number; stdout: string; stderr: string };

  /** The estimate of a stage from the shared cdk.out, as the command computes it. */
  function estimateOf(stage: string): CostEstimate {
    const nested = new CloudAssembly(cdkOut).nestedAssemblies.find((n) => n.displayName === `Gantry-${stage}`)!;
    return estimateStage(
      loadStageConfig(stage),
      nested.nestedAssembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template })),
    );
  }

  beforeAll(async () => {
    firstRun = await gantry('cost', 'report', '--stage', 'dev', '--cdk-out', cdkOut);
  });

  afterEach(() => {
    ceMock.reset();
  });

  afterAll(() => {
    ceMock.restore();
    rmSync(join(cdkOut, '..'), { recursive: true, force: true });
  });

  it('prints its help alone, naming the bundling it skips, tag activation and Cost Explorer\'s lag', async () => {
    const out = await gantry('cost', '--help');
    expect(out.code).toBe(0);
    expect(out.stdout.startsWith('gantry cost <command> [flags]')).toBe(true);
    expect(out.stdout).toContain('report  [--stage S] [--format md|csv|json|html] [--out FILE] [--cdk-out DIR]');
    expect(out.stdout).toContain('actual  --stage S --from YYYY-MM-DD --to YYYY-MM-DD [--json] [--cdk-out DIR]');
    expect(out.stdout).toContain('without Lambda bundling');
    expect(out.stdout).toContain("cost-allocation tags in the organization's payer account");
    expect(out.stdout).toContain('lags about 24 h');
    expect(out.stdout).not.toContain('gantry registry <command>');
    expect((await gantry('--help')).stdout).toContain('gantry cost <command> [flags]');
  });

  describe('report', () => {
    it('synthesizes into a missing cdk.out first, saying so on stderr, and prints the Markdown report of the stage', () => {
      expect(firstRun.stderr).toBe(
        `gantry: synthesizing every stage into ${cdkOut} first (${cdkOut} holds no synthesized app); Lambda bundling is skipped, since the estimate reads only the templates (npm start bundles again)\n`,
      );
      expect(firstRun.code).toBe(0);
      expect(firstRun.stdout).toBe(`${renderReport([estimateOf('dev')], 'md').replace(/\n?$/, '\n')}`);
      expect(new CloudAssembly(cdkOut).nestedAssemblies.map((n) => n.displayName)).toEqual(['Gantry-dev', 'Gantry-prod']);
    });

    it('reads an up-to-date cdk.out without synthesizing, every stage by default', async () => {
      const out = await gantry('cost', 'report', '--format', 'json', '--cdk-out', cdkOut);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`${renderReport([estimateOf('dev'), estimateOf('prod')], 'json').replace(/\n?$/, '\n')}`);
    });

    it('takes --json for --format json', async () => {
      const out = await gantry('cost', 'report', '--stage', 'prod', '--json', '--cdk-out', cdkOut);
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`${renderReport([estimateOf('prod')], 'json').replace(/\n?$/, '\n')}`);
    });

    it('writes the report to --out FILE, creating its directory', async () => {
      const file = join(cdkOut, '..', 'reports', 'cost.csv');
      const out = await gantry('cost', 'report', '--stage', 'dev', '--format', 'csv', '--out', file, '--cdk-out', cdkOut);
      expect(out).toEqual({ code: 0, stdout: '', stderr: `gantry: wrote the csv cost report of dev to ${file}\n` });
      expect(readFileSync(file, 'utf8')).toBe(renderReport([estimateOf('dev')], 'csv'));
    });

    it('exits 1 with the UnpricedError when a resource has no price', async () => {
      const broken = join(cdkOut, '..', 'unpriced.out');
      cpSync(cdkOut, broken, { recursive: true });
      const nested = new CloudAssembly(broken).nestedAssemblies.find((n) => n.displayName === 'Gantry-dev')!.nestedAssembly;
      const stack = nested.stacks.find((s) => s.stackName === 'gantry-dev-data')!;
      const templatePath = join(nested.directory, stack.templateFile);
      const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, unknown> };
      template.Resources.Warehouse = { Type: 'AWS::Redshift::Cluster', Properties: { NodeType: 'ra3.16xlarge', NumberOfNodes: 4 } };
      writeFileSync(templatePath, JSON.stringify(template));
      // The copy's manifest must stay newer than the sources, or the command synthesizes afresh.
      utimesSync(join(broken, 'manifest.json'), new Date(), new Date());

      const out = await gantry('cost', 'report', '--stage', 'dev', '--cdk-out', broken);

      expect(out.stdout).toBe('');
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/^gantry: UnpricedError: .*AWS::Redshift::Cluster/);
    });

    it.each([
      [['--stage', 'staging'], 'gantry: --stage "staging" is not a configured stage; known stages: dev, prod\n'],
      [['--format', 'pdf'], 'gantry: --format must be one of md, csv, json, html (got "pdf")\n'],
      [['--format', 'csv', '--json'], 'gantry: --json asks for --format json, not csv: pass one of them\n'],
      [['--cdk-out', ''], 'gantry: --cdk-out must name a directory\n'],
      [['--out', ''], 'gantry: --out must name a file\n'],
      [['--color'], "gantry: unknown option '--color'\n"],
    ])('exits 2 on a bad command line: %j', async (flags, stderr) => {
      const out = await gantry('cost', 'report', ...flags);
      expect(out).toEqual({ code: 2, stdout: '', stderr });
    });

    it('exits 2 on an unknown cost command', async () => {
      const out = await gantry('cost', 'forecast');
      expect(out.code).toBe(2);
      expect(out.stderr.startsWith('gantry: unknown cost command "forecast"\n\ngantry cost <command> [flags]')).toBe(true);
    });
  });

  describe('actual', () => {
    const FROM = '2026-09-16';
    const TO = '2026-10-16';

    /** Cost Explorer's answers: two months each; Team's answer comes in two pages. */
    function answer(input: GetCostAndUsageCommandInput): Partial<GetCostAndUsageCommandOutput> {
      const tag = input.GroupBy![0]!.Key!;
      const sep = month(FROM, '2026-10-01', []);
      const oct = (groups: ReturnType<typeof group>[]) => month('2026-10-01', TO, groups, true);
      switch (tag) {
        case 'Team':
          return input.NextPageToken === undefined
            ? { ResultsByTime: [month(FROM, '2026-10-01', [group('Team$growth-ml', '30.5')]), oct([])], NextPageToken: 'team-page-2' }
            : { ResultsByTime: [sep, oct([group('Team$growth-ml', '29.5'), group('Team$', '4.25'), group('Team$data-eng', '1.75')])] };
        case 'Model':
          return { ResultsByTime: [month(FROM, '2026-10-01', [group('Model$churn', '20'), group('Model$', '10')]), oct([group('Model$churn', '25'), group('Model$', '11')])] };
        default:
          return { ResultsByTime: [month(FROM, '2026-10-01', [group(`${tag}$${tag === 'Environment' ? 'dev' : tag === 'Project' ? 'gantry' : 'CC-1001'}`, '30')]), oct([group(`${tag}$${tag === 'Environment' ? 'dev' : tag === 'Project' ? 'gantry' : 'CC-1001'}`, '36')])] };
      }
    }

    it('sends one GetCostAndUsage request per cost tag, following the pages, and lines the spend up with the prorated estimate', async () => {
      ceMock.on(GetCostAndUsageCommand).callsFake(answer);

      const out = await gantry('cost', 'actual', '--stage', 'dev', '--from', FROM, '--to', TO, '--json', '--cdk-out', cdkOut);

      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(ceMock.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input)).toEqual([
        request('CostCenter', FROM, TO),
        request('Team', FROM, TO),
        request('Team', FROM, TO, 'team-page-2'),
        request('Project', FROM, TO),
        request('Environment', FROM, TO),
        request('Model', FROM, TO),
      ]);
      const result = JSON.parse(out.stdout) as { days: number; monthFraction: number; partial: boolean; rows: { tag: string; value: string; actualUsd: number; estimatedUsd: number }[] };
      expect(result).toMatchObject({ stage: 'dev', environment: 'dev', from: FROM, to: TO, days: 30, monthFraction: 0.9863, partial: true });
      // 30 days of a 365/12-day month: the estimate × 360/365.
      const estimate = estimateOf('dev');
      const expected = (tag: string, value: string) => Math.round(((estimate.byTag.find((t) => t.tag === tag && t.value === value)?.expectedUsd ?? 0) * 360) / 365 * 100) / 100;
      const row = (tag: string, value: string) => result.rows.find((r) => r.tag === tag && r.value === value);
      expect(row('Team', 'growth-ml')).toMatchObject({ actualUsd: 60, estimatedUsd: expected('Team', 'growth-ml') });
      expect(row('Team', '(untagged)')).toMatchObject({ actualUsd: 4.25 });
      expect(row('Team', 'data-eng')).toEqual({ tag: 'Team', value: 'data-eng', actualUsd: 1.75, estimatedUsd: 0, differenceUsd: 1.75, ratio: null, onlyIn: 'actual' });
      expect(row('Model', 'churn')).toMatchObject({ actualUsd: 45, estimatedUsd: expected('Model', 'churn') });
      expect(row('Environment', 'dev')).toMatchObject({ actualUsd: 66, estimatedUsd: expected('Environment', 'dev') });
      // Every value the estimate puts a cent or more on is listed, whether or not Cost Explorer has it.
      const estimated = estimate.byTag.filter((t) => expected(t.tag, t.value) > 0);
      expect(estimated.length).toBeGreaterThan(5);
      for (const t of estimated) expect(row(t.tag, t.value)).toMatchObject({ estimatedUsd: expected(t.tag, t.value) });
      expect(result.rows.map((r) => r.tag)).toEqual([...result.rows.map((r) => r.tag)].sort((a, b) => TAGS.indexOf(a as CostTagKey) - TAGS.indexOf(b as CostTagKey)));
    });

    it('prints a table, one row per tag value, amounts in USD', async () => {
      ceMock.on(GetCostAndUsageCommand).callsFake(answer);

      const out = await gantry('cost', 'actual', '--stage', 'dev', '--from', FROM, '--to', TO, '--cdk-out', cdkOut);

      expect(out.code).toBe(0);
      const lines = out.stdout.split('\n');
      expect(lines[0]).toBe(
        `dev: Cost Explorer (Environment=dev, unblended) from ${FROM} to ${TO} (excluded), 30 days, beside the expected estimate × 0.9863 (30 / 30.42 days; prices retrieved ${estimateOf('dev').pricesRetrieved})`,
      );
      expect(lines[1]).toBe('Cost Explorer marks part of the period as estimated: its figures may still change.');
      expect(lines[3]).toMatch(/^tag +value +actual +estimate +difference +ratio$/);
      expect(lines).toContainEqual(expect.stringMatching(/^Team +data-eng +\$1\.75 +\$0\.00 +\+\$1\.75 +- +not in the estimate$/));
      expect(lines).toContainEqual(expect.stringMatching(/^Team +growth-ml +\$60\.00 /));
    });

    it('says that no cost was recorded, and why that may be, when Cost Explorer has none for the environment', async () => {
      ceMock.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [month(FROM, '2026-10-01', []), month('2026-10-01', TO, [])] });

      const out = await gantry('cost', 'actual', '--stage', 'dev', '--from', FROM, '--to', TO, '--cdk-out', cdkOut);

      expect(out.code).toBe(0);
      expect(out.stdout).toContain('Cost Explorer recorded no cost tagged Environment=dev in the period: are the cost-allocation tags activated in the payer account (npm start prints how)?');
      expect(out.stdout).toContain('none in Cost Explorer');
      expect(ceMock.commandCalls(GetCostAndUsageCommand)).toHaveLength(5);
    });

    it.each([
      ['AccessDeniedException', 'User: arn:aws:iam::111111111111:user/ana is not authorized to perform: ce:GetCostAndUsage', ' (the caller needs ce:GetCostAndUsage)'],
      ['DataUnavailableException', 'Data is not available.', ' (Cost Explorer has no data for the period yet: it fills in about 24 h after it is enabled, and lags about 24 h)'],
    ])('exits 1 with Cost Explorer\'s %s', async (name, message, hint) => {
      ceMock.on(GetCostAndUsageCommand).rejects(Object.assign(new Error(message), { name }));

      const out = await gantry('cost', 'actual', '--stage', 'dev', '--from', FROM, '--to', TO, '--cdk-out', cdkOut);

      expect(out).toEqual({ code: 1, stdout: '', stderr: `gantry: CostExplorerError: GetCostAndUsage grouped by CostCenter failed: ${name}: ${message}${hint}\n` });
    });

    it.each([
      [['--from', FROM, '--to', TO], 'gantry: --stage is required\n'],
      [['--stage', 'qa', '--from', FROM, '--to', TO], 'gantry: --stage "qa" is not a configured stage; known stages: dev, prod\n'],
      [['--stage', 'dev', '--to', TO], 'gantry: --from is required\n'],
      [['--stage', 'dev', '--from', '2026/09/16', '--to', TO], 'gantry: --from must be a date as YYYY-MM-DD, such as 2026-11-01 (got "2026/09/16")\n'],
      [['--stage', 'dev', '--from', FROM, '--to', '2026-02-30'], 'gantry: --to must be a date as YYYY-MM-DD, such as 2026-11-01 (got "2026-02-30")\n'],
      [['--stage', 'dev', '--from', FROM, '--to', '2026-10-16T00:00:00Z'], 'gantry: --to must be a date as YYYY-MM-DD, such as 2026-11-01 (got "2026-10-16T00:00:00Z")\n'],
      [['--stage', 'dev', '--from', TO, '--to', TO], `gantry: --from must be before --to (got ${TO} and ${TO}); --to is excluded\n`],
      [['--stage', 'dev', '--from', TO, '--to', FROM], `gantry: --from must be before --to (got ${TO} and ${FROM}); --to is excluded\n`],
    ])('exits 2 on a bad command line, asking Cost Explorer nothing: %j', async (flags, stderr) => {
      const out = await gantry('cost', 'actual', ...flags);
      expect(out).toEqual({ code: 2, stdout: '', stderr });
      expect(ceMock.calls()).toHaveLength(0);
    });
  });
});
