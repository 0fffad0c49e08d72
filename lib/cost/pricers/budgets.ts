/** AWS Budgets and Cost Anomaly Detection: only action-enabled budgets beyond an account's first two cost anything. */
import { formatCount, formatPrice } from '../format';
import { DAYS_PER_MONTH } from '../units';
import type { ResourcePricer, ServicePricers } from './pricer';

/** Action-enabled budgets an account has free (62 budget-days a month). */
const FREE_ACTION_ENABLED_BUDGETS = 2;

export const BUDGETS_PRICERS: ServicePricers = {
  'AWS::Budgets::Budget': ({ stack, logicalId }, p, ctx) => {
    const index = ctx.actionEnabledBudgets.indexOf(`${stack.stackName}/${logicalId}`);
    if (index < 0) {
      p.usd('budgets.budget-day');
      return { idleUsd: 0, expectedUsd: 0, basis: 'budget without actions: no charge' };
    }
    const day = p.usd('budgets.action-enabled-budget-day');
    const free = index < FREE_ACTION_ENABLED_BUDGETS;
    const usd = free ? 0 : DAYS_PER_MONTH * day;
    return {
      idleUsd: usd,
      expectedUsd: usd,
      basis: free ? `action-enabled budget ${index + 1} of the account: the first two are free` : `action-enabled budget ${index + 1}: ${formatCount(DAYS_PER_MONTH)} days × ${formatPrice(day)}/day`,
    };
  },
};

const anomalyDetection: ResourcePricer = (_resource, p) => {
  p.usd('ce.anomaly-detection');
  return { idleUsd: 0, expectedUsd: 0, basis: 'Cost Anomaly Detection has no charge' };
};

export const COST_ANOMALY_DETECTION_PRICERS: ServicePricers = {
  'AWS::CE::AnomalyMonitor': anomalyDetection,
  'AWS::CE::AnomalySubscription': anomalyDetection,
};
