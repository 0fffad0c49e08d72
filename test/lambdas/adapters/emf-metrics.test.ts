import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { EmfMetricsSink } from '../../../lambdas/adapters/emf-metrics';

describe('EmfMetricsSink', () => {
  let stdout: MockInstance;
  const documents = () => stdout.mock.calls.map(([text]) => String(text)).filter((text) => text.startsWith('{"_aws"')).map((text) => JSON.parse(text) as Record<string, unknown>);

  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => stdout.mockRestore());

  it('writes one EMF document per publish, with exactly the dimensions given (no service dimension)', () => {
    const at = new Date('2026-11-22T10:21:00.000Z');
    const sink = new EmfMetricsSink(new Metrics({ namespace: 'Gantry', serviceName: 'gantry-drift' }));
    sink.publish({ Stage: 'test', Model: 'churn' }, [{ name: 'DriftMaxPSI', unit: 'None', value: 0.4 }, { name: 'DriftRecords', unit: 'Count', value: 7 }], at);
    sink.publish({ Stage: 'test', Model: 'churn', Feature: 'tenure' }, [{ name: 'FeaturePSI', unit: 'None', value: 0.4 }], at);
    expect(documents()).toEqual([
      {
        _aws: { Timestamp: at.getTime(), CloudWatchMetrics: [{ Namespace: 'Gantry', Dimensions: [['Stage', 'Model']], Metrics: [{ Name: 'DriftMaxPSI', Unit: 'None' }, { Name: 'DriftRecords', Unit: 'Count' }] }] },
        Stage: 'test',
        Model: 'churn',
        DriftMaxPSI: 0.4,
        DriftRecords: 7,
      },
      {
        _aws: { Timestamp: at.getTime(), CloudWatchMetrics: [{ Namespace: 'Gantry', Dimensions: [['Stage', 'Model', 'Feature']], Metrics: [{ Name: 'FeaturePSI', Unit: 'None' }] }] },
        Stage: 'test',
        Model: 'churn',
        Feature: 'tenure',
        FeaturePSI: 0.4,
      },
    ]);
  });
});
