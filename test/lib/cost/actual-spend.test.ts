import { describe, expect, it } from 'vitest';
import { actualSpend, costAndUsageRequest, CostExplorerError, tagValueOf, type CostAndUsagePage, type CostAndUsageRequest, type CostAndUsageSource } from '../../../lib/cost/actual-spend';

const PERIOD = { from: '2026-09-16', to: '2026-10-16', environment: 'prod' };

/** A Cost Explorer that answers from a table by the request's group-by tag and page token, and records what it was asked. */
class TableSource implements CostAndUsageSource {
  readonly requests: CostAndUsageRequest[] = [];

  constructor(private readonly pages: Readonly<Record<string, CostAndUsagePage>>) {}

  async getCostAndUsage(request: CostAndUsageRequest): Promise<CostAndUsagePage> {
    this.requests.push(request);
    return this.pages[`${request.GroupBy[0].Key}${request.NextPageToken === undefined ? '' : `#${request.NextPageToken}`}`] ?? { ResultsByTime: [] };
  }
}

const group = (key: string, amount: string) => ({ Keys: [key], Metrics: { UnblendedCost: { Amount: amount } } });

describe('costAndUsageRequest', () => {
  it('asks for the monthly unblended cost of the environment in the period, grouped by one tag', () => {
    expect(costAndUsageRequest(PERIOD, 'Team')).toEqual({
      TimePeriod: { Start: '2026-09-16', End: '2026-10-16' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost'],
      Filter: { Tags: { Key: 'Environment', Values: ['prod'], MatchOptions: ['EQUALS'] } },
      GroupBy: [{ Type: 'TAG', Key: 'Team' }],
    });
    expect(costAndUsageRequest(PERIOD, 'Team', 'page-2').NextPageToken).toBe('page-2');
  });
});

describe('actualSpend', () => {
  it('asks once per cost tag and page, and adds each value up over months and pages', async () => {
    const source = new TableSource({
      Team: { ResultsByTime: [{ Groups: [group('Team$growth-ml', '30.5')] }, { Groups: [group('Team$', '1')] }], NextPageToken: 'p2' },
      'Team#p2': { ResultsByTime: [{ Groups: [group('Team$growth-ml', '29.5')] }] },
      Model: { ResultsByTime: [{ Groups: [group('Model$churn', '20'), { Keys: ['Model$empty'] }] }] },
    });

    const spend = await actualSpend(source, PERIOD);

    expect(source.requests.map((r) => [r.GroupBy[0].Key, r.NextPageToken])).toEqual([
      ['CostCenter', undefined],
      ['Team', undefined],
      ['Team', 'p2'],
      ['Project', undefined],
      ['Environment', undefined],
      ['Model', undefined],
    ]);
    expect(spend.estimated).toBe(false);
    expect(spend.byTag.get('Team')).toEqual(new Map([['growth-ml', 60], ['(untagged)', 1]]));
    // A group without an amount counts as no cost.
    expect(spend.byTag.get('Model')).toEqual(new Map([['churn', 20], ['empty', 0]]));
    expect(spend.byTag.get('CostCenter')).toEqual(new Map());
  });

  it('stops at an empty page token, and says when Cost Explorer marks any month as estimated', async () => {
    const source = new TableSource({ Project: { ResultsByTime: [{ Estimated: true, Groups: [group('Project$gantry', '3')] }], NextPageToken: '' } });

    const spend = await actualSpend(source, PERIOD);

    expect(source.requests).toHaveLength(5);
    expect(spend.estimated).toBe(true);
  });

  it.each([
    ['AccessDeniedException', ' (the caller needs ce:GetCostAndUsage)'],
    ['DataUnavailableException', ' (Cost Explorer has no data for the period yet: it fills in about 24 h after it is enabled, and lags about 24 h)'],
    ['ThrottlingException', ''],
  ])('throws CostExplorerError naming the tag when Cost Explorer fails with %s', async (name, hint) => {
    const cause = Object.assign(new Error('no'), { name });
    const failing: CostAndUsageSource = { getCostAndUsage: () => Promise.reject(cause) };

    const error = await actualSpend(failing, PERIOD).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CostExplorerError);
    expect(error).toMatchObject({ name: 'CostExplorerError', message: `GetCostAndUsage grouped by CostCenter failed: ${name}: no${hint}`, cause });
  });
});

describe('tagValueOf', () => {
  it.each([
    ['Team$growth-ml', 'Team', 'growth-ml'],
    ['Team$', 'Team', '(untagged)'],
    ['CostCenter$CC-1001', 'CostCenter', 'CC-1001'],
    ['Model$a$b', 'Model', 'a$b'],
  ])('reads %s as %s = %s', (key, tag, value) => {
    expect(tagValueOf(key, tag)).toBe(value);
  });
});
