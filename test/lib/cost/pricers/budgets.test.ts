import { describe, expect, it } from 'vitest';
import { priceOne } from './price-one';

describe('the Budgets pricers', () => {
  it('charges nothing for a budget without actions, citing the price', () => {
    expect(priceOne('AWS::Budgets::Budget', { Budget: { BudgetName: 'b' } })).toEqual({ cost: { idleUsd: 0, expectedUsd: 0, basis: 'budget without actions: no charge' }, prices: ['budgets.budget-day'] });
  });

  it('lets an account\'s first action-enabled budgets be free', () => {
    const others = { Action: { Type: 'AWS::Budgets::BudgetsAction', Properties: { BudgetName: 'b' } } };
    expect(priceOne('AWS::Budgets::Budget', { Budget: { BudgetName: 'b' } }, { others })).toEqual({
      cost: { idleUsd: 0, expectedUsd: 0, basis: 'action-enabled budget 1 of the account: the first two are free' },
      prices: ['budgets.action-enabled-budget-day'],
    });
  });

  it('charges Cost Anomaly Detection nothing', () => {
    expect(priceOne('AWS::CE::AnomalyMonitor', {}).cost?.basis).toBe('Cost Anomaly Detection has no charge');
    expect(priceOne('AWS::CE::AnomalySubscription', {}).prices).toEqual(['ce.anomaly-detection']);
  });
});
