/**
 * Reads the evaluation report a training script writes (`evaluation.json` in the job's
 * output), in the shapes our scripts and SageMaker's model-quality reports use, into the metrics
 * the quality gate compares.
 */

/** evaluation.json is not JSON, not one of the accepted shapes, or holds a metric that is not a finite number. */
export class InvalidEvaluationReportError extends Error {
  constructor(
    readonly where: string,
    /** The offending field as a dotted path, when one is to blame. */
    readonly field: string | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${field === undefined ? '' : `${field}: `}${reason}`, options);
    this.name = 'InvalidEvaluationReportError';
  }
}

/**
 * The metrics of an evaluation report, in any of three shapes:
 * - `{ "metrics": { "auc": 0.91 } }` (what our training scripts write; `{ "value": x }` also accepted);
 * - flat, `{ "auc": 0.91 }`;
 * - SageMaker's model-quality report, `{ "binary_classification_metrics": { "auc": { "value": 0.91 } } }`:
 *   every `<group>_metrics.<metric>.value` becomes `<metric>`; entries without a value
 *   (confusion matrix, curves) are not metrics and are left out.
 * @throws InvalidEvaluationReportError naming the bad field
 */
export function parseEvaluationReport(text: string, where: string): Record<string, number> {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch (err) {
    // Python's json.dump writes NaN and Infinity by default; JSON (and so JSON.parse) has neither.
    const reason = /\b(NaN|Infinity)\b/.test(text) ? 'holds NaN or Infinity, which are not JSON: every metric must be a finite number' : 'is not JSON';
    throw new InvalidEvaluationReportError(where, undefined, reason, { cause: err });
  }
  if (!isObject(report)) throw new InvalidEvaluationReportError(where, undefined, 'must be a JSON object');

  const metrics = new Map<string, number>();
  const add = (name: string, value: unknown, field: string): void => {
    if (name.trim() === '') throw new InvalidEvaluationReportError(where, field, 'a metric name must not be empty');
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidEvaluationReportError(where, field, `must be a finite number, got ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))}`);
    if (metrics.has(name)) throw new InvalidEvaluationReportError(where, field, `metric "${name}" appears twice`);
    metrics.set(name, value);
  };

  if ('metrics' in report) {
    if (!isObject(report.metrics)) throw new InvalidEvaluationReportError(where, 'metrics', 'must be an object of metric names to numbers');
    for (const [name, value] of Object.entries(report.metrics)) {
      if (isObject(value) && 'value' in value) add(name, value.value, `metrics.${name}.value`);
      else add(name, value, `metrics.${name}`);
    }
  } else if (Object.entries(report).some(([key, value]) => key.endsWith('_metrics') && isObject(value))) {
    for (const [group, entries] of Object.entries(report)) {
      if (!group.endsWith('_metrics') || !isObject(entries)) continue;
      for (const [name, entry] of Object.entries(entries)) {
        if (isObject(entry) && 'value' in entry) add(name, entry.value, `${group}.${name}.value`);
      }
    }
  } else {
    for (const [name, value] of Object.entries(report)) add(name, value, name);
  }
  if (metrics.size === 0) throw new InvalidEvaluationReportError(where, undefined, 'holds no metrics');
  return Object.fromEntries(metrics);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
