import { churnModel, CPU_INFERENCE_IMAGE, customerActivity } from '../models/churn';
import type { StageConfigInput } from '../schema';

/**
 * The development stage. It has no account, so it synthesizes anywhere without credentials
 * (an environment-agnostic stage); `cdk deploy` uses the account of your current credentials.
 * Data is destroyed with the stack, and the example model is served serverless so an idle
 * dev stage runs no always-on endpoint.
 */
export const dev: StageConfigInput = {
  name: 'dev',
  region: 'us-east-1',
  tags: { costCenter: 'CC-1001', team: 'ml-platform', project: 'gantry', environment: 'dev' },
  removalPolicy: 'destroy',
  budgets: {
    monthlyLimitUsd: 200,
    teamMonthlyLimitsUsd: { 'growth-ml': 150 },
    anomalyThresholdUsd: 25,
  },
  featureGroups: [customerActivity],
  models: [
    churnModel({
      serving: { target: 'serverless', image: CPU_INFERENCE_IMAGE, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
    }),
  ],
};
