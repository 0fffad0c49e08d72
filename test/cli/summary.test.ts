import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, STAGES } from '../../lib/config';
import { estimateStage } from '../../lib/cost';
import { ACTIVATE_COST_TAGS_COMMAND, costLine, costTagsLine, formatSummary, summarizeAssembly, type StageSummary } from '../../cli/summary';
import { stageConfig, testApp, testStage } from '../support/app';

const ACTIVATE =
  'aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=CostCenter,Status=Active TagKey=Team,Status=Active TagKey=Project,Status=Active TagKey=Environment,Status=Active TagKey=Model,Status=Active';

const stage = (overrides: Partial<StageSummary>): StageSummary => ({
  stage: 'Gantry-dev',
  account: 'env-agnostic',
  region: 'us-east-1',
  stacks: [
    { stackName: 'gantry-dev-data', resourceCount: 40, taggedCount: 31, tagValues: { CostCenter: ['CC-1001'], Team: ['ml-platform'], Project: ['gantry'], Environment: ['dev'] } },
    { stackName: 'gantry-dev-model-churn', resourceCount: 12, taggedCount: 9, tagValues: { CostCenter: ['CC-1001'], Team: ['growth-ml'], Project: ['gantry'], Environment: ['dev'], Model: ['churn'] } },
  ],
  warnings: [],
  cost: { idleUsd: 4.4, expectedUsd: 31.2, region: 'us-east-1', regionalFactor: 1, pricesRetrieved: '2026-11-22' },
  payerAccount: false,
  ...overrides,
});

describe('synth summary', () => {
  describe('formatSummary', () => {
    it('adds each stage\'s idle and expected monthly cost and how to activate its cost tags outside the payer account', () => {
      expect(formatSummary([stage({ warnings: ['/Gantry-dev/Model-churn/Deploy: churn is served serverless'] })]).split('\n')).toEqual([
        'Gantry-dev  account env-agnostic  region us-east-1  2 stack(s), 52 resources',
        '  gantry-dev-data           40 resources    31 tagged  CostCenter=CC-1001 Team=ml-platform Project=gantry Environment=dev',
        '  gantry-dev-model-churn    12 resources     9 tagged  CostCenter=CC-1001 Team=growth-ml Project=gantry Environment=dev Model=churn',
        '  cost: idle $4.40/month, expected $31.20/month (prices us-east-1, retrieved 2026-11-22; gantry cost report for details)',
        `  cost tags: activate once in the payer account: ${ACTIVATE}`,
        '  warning /Gantry-dev/Model-churn/Deploy: churn is served serverless',
      ]);
    });

    it('says a payer-account stage\'s deploy activates the tags, and prints why a stage cannot be estimated', () => {
      const prod = stage({ stage: 'Gantry-prod', payerAccount: true, cost: { error: 'UnpricedError: no price for AWS::Redshift::Cluster (gantry-prod-data/Warehouse)' } });
      expect(formatSummary([stage({}), prod]).split('\n').filter((l) => l.startsWith('  cost'))).toEqual([
        '  cost: idle $4.40/month, expected $31.20/month (prices us-east-1, retrieved 2026-11-22; gantry cost report for details)',
        `  cost tags: activate once in the payer account: ${ACTIVATE}`,
        '  cost: cannot be estimated: UnpricedError: no price for AWS::Redshift::Cluster (gantry-prod-data/Warehouse)',
        '  cost tags: activated by this deploy (payer account)',
      ]);
    });
  });

  it.each([
    [{ idleUsd: 0, expectedUsd: 0.004, region: 'us-east-1', regionalFactor: 1, pricesRetrieved: '2026-11-01' }, 'cost: idle $0.00/month, expected $0.00/month (prices us-east-1, retrieved 2026-11-01; gantry cost report for details)'],
    [
      { idleUsd: 1234.5, expectedUsd: 2000.125, region: 'sa-east-1', regionalFactor: 1.5, pricesRetrieved: '2026-10-30' },
      'cost: idle $1234.50/month, expected $2000.13/month (prices us-east-1 × 1.5 for sa-east-1, retrieved 2026-10-30; gantry cost report for details)',
    ],
  ])('costLine(%j)', (cost, line) => {
    expect(costLine(cost)).toBe(line);
  });

  it('activates the five cost tags with one Cost Explorer command', () => {
    expect(ACTIVATE_COST_TAGS_COMMAND).toBe(ACTIVATE);
    expect(costTagsLine(false)).toBe(`cost tags: activate once in the payer account: ${ACTIVATE}`);
    expect(costTagsLine(true)).toBe('cost tags: activated by this deploy (payer account)');
  });

  describe('summarizeAssembly', () => {
    it('estimates each stage from its synthesized templates and config', () => {
      const config = loadStageConfig('dev');
      const { app } = testStage('dev');
      const assembly = app.synth();

      const [summary] = summarizeAssembly(assembly, [config]);

      const stacks = assembly.nestedAssemblies[0]!.nestedAssembly.stacks;
      const estimate = estimateStage(config, stacks.map((s) => ({ stackName: s.stackName, template: s.template })));
      expect(summary!.stage).toBe('Gantry-dev');
      expect(summary!.cost).toEqual({ idleUsd: estimate.idleUsd, expectedUsd: estimate.expectedUsd, region: 'us-east-1', regionalFactor: estimate.regionalFactor.factor, pricesRetrieved: estimate.pricesRetrieved });
      expect(estimate.expectedUsd).toBeGreaterThan(0);
      expect(summary!.payerAccount).toBe(false);
    });

    it('reads the payer-account setting from the config', () => {
      const input = { ...STAGES.dev!, budgets: { ...STAGES.dev!.budgets, payerAccount: true } };
      const { app } = testStage(input);

      expect(summarizeAssembly(app.synth(), [stageConfig(input)]).map((s) => s.payerAccount)).toEqual([true]);
    });

    it('reports an UnpricedError for the stage instead of throwing', () => {
      const app = testApp();
      const stack = new Stack(new Stage(app, 'Gantry-dev'), 'Data', { stackName: 'gantry-dev-data' });
      new CfnResource(stack, 'Warehouse', {
        type: 'AWS::Redshift::Cluster',
        properties: { ClusterType: 'multi-node', NodeType: 'ra3.16xlarge', NumberOfNodes: 4, DBName: 'lake', MasterUsername: 'admin', ManageMasterPassword: true },
      });

      const [summary] = summarizeAssembly(app.synth(), [loadStageConfig('dev')]);

      expect(summary!.cost).toEqual({ error: expect.stringMatching(/^UnpricedError: .*AWS::Redshift::Cluster/) });
    });

    it('names a stage it has no configuration for', () => {
      const app = testApp();
      new CfnResource(new Stack(new Stage(app, 'Gantry-qa'), 'Data'), 'Handle', { type: 'AWS::CloudFormation::WaitConditionHandle' });

      expect(summarizeAssembly(app.synth(), [loadStageConfig('dev')])[0]!.cost).toEqual({ error: 'no configuration for Gantry-qa' });
    });
  });
});
