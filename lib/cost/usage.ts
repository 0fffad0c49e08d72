/** What a model's config implies a month: the counts most pricers multiply by. */
import type { ModelConfig } from '../config';
import { MINUTES_PER_30_DAYS } from './units';

/** Deployments a month per training run: each run is assumed to lead to one (an upper bound). */
export const DEPLOYMENTS_PER_TRAINING_RUN = 1;

/** Per-model figures the config implies. */
export interface ModelUsage {
  /** Drift checks a month (0 for serverless: SageMaker cannot capture data on serverless endpoints). */
  readonly driftChecks: number;
  /** Requests captured a month. */
  readonly capturedRequests: number;
  readonly trainingRuns: number;
  readonly deployments: number;
}

export function modelUsage(model: ModelConfig): ModelUsage {
  const serverless = model.serving.target === 'serverless';
  const u = model.usage;
  return {
    driftChecks: serverless ? 0 : MINUTES_PER_30_DAYS / model.drift.windowMinutes,
    capturedRequests: serverless ? 0 : (u.invocationsPerMonth * model.serving.dataCaptureSamplingPercent) / 100,
    trainingRuns: u.trainingRunsPerMonth,
    deployments: u.trainingRunsPerMonth * DEPLOYMENTS_PER_TRAINING_RUN,
  };
}
