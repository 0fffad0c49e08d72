import type { ModelConfigInput, StageConfigInput } from '../schema';

/** AWS Deep Learning Container for PyTorch on Inferentia2 (Neuron), us-east-1. */
export const NEURON_INFERENCE_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:2.5.1-neuronx-py310-sdk2.21.0-ubuntu22.04';
/** AWS Deep Learning Container for PyTorch CPU inference, us-east-1 (serverless endpoints). */
export const CPU_INFERENCE_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker';

/** The online features the churn model reads, per customer. */
export const customerActivity: NonNullable<StageConfigInput['featureGroups']>[number] = {
  name: 'customer-activity',
  ttlDays: 30,
  features: [
    { name: 'tenure_months', type: 'bigint' },
    { name: 'monthly_spend', type: 'double' },
    { name: 'support_tickets_30d', type: 'bigint' },
    { name: 'logins_30d', type: 'bigint' },
    { name: 'plan_tier', type: 'string' },
  ],
};

/**
 * The example model: customer churn, a small PyTorch tabular network trained on a GPU at spot
 * prices and served on Inferentia2. Its code lives in `examples/churn/`. Stages override what
 * differs per stage (e.g. dev serves it serverless so an idle dev stage costs nothing).
 */
export function churnModel(overrides: { serving?: ModelConfigInput['serving']; training?: Partial<ModelConfigInput['training']>; drift?: ModelConfigInput['drift'] } = {}): ModelConfigInput {
  return {
    name: 'churn',
    description: 'Predicts whether a customer cancels within 30 days',
    ownerTeam: 'growth-ml',
    framework: { name: 'pytorch', version: '2.5' },
    features: {
      group: 'customer-activity',
      features: ['tenure_months', 'monthly_spend', 'support_tickets_30d', 'logins_30d', 'plan_tier'],
    },
    preprocessing: {
      // AWS Deep Learning Container for PyTorch CPU jobs (us-east-1).
      image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311-ubuntu22.04-sagemaker',
      script: 'examples/churn/preprocess.py',
    },
    training: {
      image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker',
      entryPoint: 'examples/churn/train.py',
      instanceType: 'ml.g5.2xlarge',
      maxRuntimeSeconds: 2 * 3600,
      spot: { enabled: true, maxWaitSeconds: 4 * 3600 },
      hyperparameters: { epochs: '20', 'batch-size': '256', 'learning-rate': '0.001' },
      schedule: 'cron(0 3 ? * MON *)',
      ...overrides.training,
    },
    gate: {
      primaryMetric: 'auc',
      direction: 'maximize',
      tolerance: 0.005,
      thresholds: { auc: { min: 0.7 }, logloss: { max: 0.6 } },
    },
    serving: overrides.serving ?? { target: 'inf2', instanceType: 'ml.inf2.xlarge', image: NEURON_INFERENCE_IMAGE },
    drift: overrides.drift,
  };
}
