import { describe, expect, it } from 'vitest';
import { runLifecycle, type LifecycleResult } from '../../../../tools/local/lifecycle/scenario';

/*
 * `npm run lifecycle`, in the suite: the prod stage's synthesized workflows on DynamoDB Local,
 * s3rver and aws-local-stepfunctions, the real handlers, the example model trained and served
 * for real (Debian's python3-torch), SageMaker's control plane faked (docs/lifecycle.md).
 */
describe('the lifecycle end to end on local engines', () => {
  let result: LifecycleResult;

  it('runs every step: train, approve, deploy, serve, capture, drift, retrain, canary, rollback, and the CLI tells it', async () => {
    result = await runLifecycle();
    expect(result.steps.map((s) => s.name)).toEqual([
      '1. curated data → train (spot interruption) → approve',
      '2. deploy version 1 (first deployment creates the endpoint)',
      '3. steady traffic captured; drift check',
      '4. shifted traffic: 2 windows drift → retrain → approve',
      '5. canary deploy of version 2',
      '6. alarm after the bake → rollback to last-good',
      '7. gantry status, gantry registry history --at',
    ]);

    // The registry tells the whole story, in order, and the duplicate alarms added nothing.
    expect(result.history.map((e) => [e.type, e.version, e.previousVersion])).toEqual([
      ['Registered', 1, undefined],
      ['Approved', 1, undefined],
      ['Promoted', 1, undefined],
      ['Registered', 2, undefined],
      ['Approved', 2, undefined],
      ['Promoted', 2, 1],
      ['RollbackStarted', 2, undefined],
      ['RolledBack', 1, 2],
    ]);
    expect(result.history.find((e) => e.type === 'Registered' && e.version === 2)?.actor).toContain(result.trainingRuns[1]!.execution);

    // Training: the first run was started by the new data and survived a spot interruption; the second by drift.
    expect(result.trainingRuns.map((r) => [r.reason, r.version, r.interrupted])).toEqual([
      ['new-data', 1, true],
      ['drift', 2, false],
    ]);

    // Drift: the steady window passes, two shifted windows drift, and only the second sends DriftDetected.
    expect(result.driftWindows.map((w) => [w.records, w.drifted, w.eventSent])).toEqual([
      [400, false, false],
      [400, true, false],
      [400, true, true],
    ]);

    // The client saw the version that served each prediction.
    expect(result.predictions.filter((p) => p.step !== 'traffic').map((p) => [p.step, p.modelVersion])).toEqual([
      ['after deploy 1', 1],
      ['after deploy 2', 2],
      ['after rollback', 1],
    ]);
    // text/csv: one row of one probability per instance, from inference.py.
    const served = result.predictions.find((p) => p.step === 'after deploy 1')!.values as number[][];
    expect(served).toHaveLength(3);
    for (const [p] of served) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }

    // Rollback: one execution, to version 1; the repeated alarm events were ignored as stale.
    expect(result.rollback.first).toMatchObject({ action: 'started', fromVersion: 2, toVersion: 1 });
    expect(result.rollback.duplicates.map((d) => d.action)).toEqual(['ignored', 'ignored']);

    // SageMaker saw one endpoint created and two updates (canary, then the rollback all at once).
    const count = (op: string) => result.sagemakerCalls.filter((c) => c === op).length;
    expect([count('CreateTrainingJob'), count('CreateProcessingJob'), count('CreateModel'), count('CreateEndpointConfig'), count('CreateEndpoint'), count('UpdateEndpoint')]).toEqual([2, 2, 3, 3, 1, 2]);

    expect(result.cli.status).toMatch(/serving\s+version 1/);
    expect(result.cli.status).toMatch(/production\s+version 1/);
    expect(result.cli.historyAtV2).toMatch(/version 2 was live at/);
    expect(result.cli.historyNow).toMatch(/version 1 was live at/);
    expect(result.summary).toContain('DriftDetected');
  }, 240_000);
});
