import { describe, expect, it } from 'vitest';
import { InvalidEvaluationReportError, parseEvaluationReport } from '../../../../lambdas/core/training/evaluation-report';

describe('parseEvaluationReport', () => {
  it.each([
    ['{"metrics":{"auc":{"value":0.9}}}', { auc: 0.9 }],
    ['{"metrics":{"auc":0.9},"epochs":20}', { auc: 0.9 }],
    ['{"multiclass_classification_metrics":{"accuracy":{"value":0.7}},"regression_metrics":{"mse":{"value":2.5}}}', { accuracy: 0.7, mse: 2.5 }],
    ['{"rmse":-0}', { rmse: -0 }],
  ])('%s → %j', (text, metrics) => {
    expect(parseEvaluationReport(text, 'report')).toEqual(metrics);
  });

  it.each([
    ['{"metrics":{"auc":NaN}}', undefined, 'holds NaN or Infinity, which are not JSON: every metric must be a finite number'],
    ['{"auc":Infinity}', undefined, 'holds NaN or Infinity, which are not JSON: every metric must be a finite number'],
    ['auc=0.9', undefined, 'is not JSON'],
    ['[0.9]', undefined, 'must be a JSON object'],
    ['{}', undefined, 'holds no metrics'],
    ['{"metrics":{}}', undefined, 'holds no metrics'],
    ['{"metrics":[0.9]}', 'metrics', 'must be an object of metric names to numbers'],
    ['{"metrics":{"auc":null}}', 'metrics.auc', 'must be a finite number, got null'],
    ['{"metrics":{"auc":{"value":"0.9"}}}', 'metrics.auc.value', 'must be a finite number, got "0.9"'],
    ['{"auc":0.9,"note":"best run"}', 'note', 'must be a finite number, got "best run"'],
    ['{"auc":0.9,"":1}', '', 'a metric name must not be empty'],
    ['{"binary_classification_metrics":{"auc":{"value":1e999}}}', 'binary_classification_metrics.auc.value', 'must be a finite number, got Infinity'],
    ['{"binary_classification_metrics":{"auc":{"value":true}}}', 'binary_classification_metrics.auc.value', 'must be a finite number, got true'],
    ['{"a_metrics":{"auc":{"value":0.9}},"b_metrics":{"auc":{"value":0.8}}}', 'b_metrics.auc.value', 'metric "auc" appears twice'],
    ['{"binary_classification_metrics":{"confusion_matrix":{}}}', undefined, 'holds no metrics'],
  ])('throws InvalidEvaluationReportError for %s', (text, field, reason) => {
    expect(() => parseEvaluationReport(text, 'report')).toThrow(new InvalidEvaluationReportError('report', field, reason));
    expect(() => parseEvaluationReport(text, 'report')).toThrow(expect.objectContaining({ name: 'InvalidEvaluationReportError', field }));
  });
});
