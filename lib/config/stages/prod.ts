import { churnModel, customerActivity, NEURON_INFERENCE_IMAGE } from '../models/churn';
import type { StageConfigInput } from '../schema';

/**
 * The production stage. EDIT `account` and `region` before deploying: they are placeholders.
 * Stateful resources are retained when the stack is deleted, and tables have deletion
 * protection.
 */
export const prod: StageConfigInput = {
  name: 'prod',
  account: '111111111111', // placeholder: your production account id
  region: 'us-east-1', // placeholder: your production region
  tags: { costCenter: 'CC-1001', team: 'ml-platform', project: 'gantry', environment: 'prod' },
  removalPolicy: 'retain',
  budgets: {
    monthlyLimitUsd: 5000,
    teamMonthlyLimitsUsd: { 'growth-ml': 3000, 'ml-platform': 1000 },
    anomalyThresholdUsd: 250,
    subscriberEmails: ['ml-platform-alerts@example.com'],
  },
  vpc: { cidr: '10.40.0.0/16', maxAzs: 2, natGateways: 1 },
  featureGroups: [customerActivity],
  models: [
    churnModel({
      // Production versions wait for a person to approve them.
      training: { approval: 'manual' },
      serving: {
        target: 'inf2',
        instanceType: 'ml.inf2.xlarge',
        image: NEURON_INFERENCE_IMAGE,
        // Two instances at least: SageMaker spreads them over Availability Zones ("we strongly
        // recommend that you deploy multiple instances for each production endpoint",
        // https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/mlcost05-bp03.html),
        // and a canary is at most half the fleet, so one instance cannot take one
        // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html).
        initialInstanceCount: 2,
        autoscaling: { minInstances: 2, maxInstances: 4, targetInvocationsPerInstance: 200 },
        dataCaptureSamplingPercent: 20,
        strategy: 'canary',
      },
    }),
  ],
};
