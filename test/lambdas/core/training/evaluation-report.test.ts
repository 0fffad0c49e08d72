import { describe, expect, it } from 'vitest';
import { InvalidEvaluationReportError, parseEvaluationReport } from '../../../../lambdas/core/training/evaluation-report';

describe('parseEvaluationReport', () => {
  it.each([
    ['{"metrics":{"auc":{"value":0.9}}}', { auc: 0.9 }],
    ['{"metrics":{"auc":0.9},"epochs":20}', { auc: 0.9 }],
    ['{"multiclass_classification_metrics":{"accuracy":{"value":0.7}},"regression_metrics":{"mse":{"value":2.5}}}', { accuracy: 0.7, mse: 2.5 }],
    ['{"rmse":-0}', { rmse: -0 }],
    ['{"binary_classification_metrics":{"auc":{"value":0.9}},"version":"1.0"}', { auc: 0.9 }],
    ['{"binary_classification_metrics":{"auc":{"value":0.9}},"dataset":{"rows":{"value":1000}},"x_metrics":5}', { auc: 0.9 }],
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
    ['{"metrics":{" ":0.9}}', 'metrics. ', 'a metric name must not be empty'],
    ['{"auc":0.9,"extra":{"value":1}}', 'extra', 'must be a finite number, got {"value":1}'],
  ])('throws InvalidEvaluationReportError for %s', (text, field, reason) => {
    expect(() => parseEvaluationReport(text, 'report')).toThrow(new InvalidEvaluationReportError('report', field, reason));
    expect(() => parseEvaluationReport(text, 'report')).toThrow(expect.objectContaining({ name: 'InvalidEvaluationReportError', field }));
    // The message is what the training pipeline's failure path shows: where, the field, and why.
    expect(() => parseEvaluationReport(text, 'report')).toThrow(expect.objectContaining({ message: `report: ${field === undefined ? '' : `${field}: `}${reason}` }));
  });

  it.each([
    ['{"metrics":{"auc":null}}', 's3://bucket/job/output/evaluation.json: metrics.auc: must be a finite number, got null'],
    ['[0.9]', 's3://bucket/job/output/evaluation.json: must be a JSON object'],
  ])('names the report, then the field when one is to blame: %s', (text, message) => {
    expect(() => parseEvaluationReport(text, 's3://bucket/job/output/evaluation.json')).toThrow(expect.objectContaining({ message }));
  });

  it('keeps the JSON parser error as the cause', () => {
    expect(() => parseEvaluationReport('auc=0.9', 'report')).toThrow(expect.objectContaining({ cause: expect.any(SyntaxError) }));
  });
});
