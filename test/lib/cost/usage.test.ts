import { describe, expect, it } from 'vitest';
import { CPU_INFERENCE_IMAGE, churnModel } from '../../../lib/config/models/churn';
import { modelUsage } from '../../../lib/cost/usage';
import { stageConfig } from '../../support/app';
import { stageCopy } from './stage-templates';

function model(overrides: Parameters<typeof churnModel>[0], usage: Record<string, number> = {}) {
  const raw = stageCopy('dev');
  raw.models = [{ ...churnModel(overrides), usage }];
  return stageConfig(raw).models[0]!;
}

describe('modelUsage', () => {
  it('counts drift checks over a 30-day month and the captured share of the invocations', () => {
    const m = model({ drift: { schedule: 'rate(30 minutes)' } }, { invocationsPerMonth: 1_000_000, trainingRunsPerMonth: 6 });
    // 30 × 24 × 60 / 30 = 1,440 checks; one deployment per training run.
    expect(modelUsage(m)).toEqual({ driftChecks: 1440, capturedRequests: (1_000_000 * m.serving.dataCaptureSamplingPercent) / 100, trainingRuns: 6, deployments: 6 });
  });

  it('counts no drift checks and no captures for a serverless endpoint, which SageMaker cannot capture', () => {
    const m = model({ serving: { target: 'serverless', image: CPU_INFERENCE_IMAGE, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } } });
    expect(modelUsage(m)).toMatchObject({ driftChecks: 0, capturedRequests: 0 });
  });
});
