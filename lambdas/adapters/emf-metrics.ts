import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DriftMetricsSink, MetricValue } from '../core/drift/check';

const UNITS = { Count: MetricUnit.Count, None: MetricUnit.NoUnit } as const satisfies Record<MetricValue['unit'], (typeof MetricUnit)[keyof typeof MetricUnit]>;

/** Metrics as CloudWatch embedded metric format (EMF) documents on stdout, one per `publish`. */
export class EmfMetricsSink implements DriftMetricsSink {
  constructor(private readonly metrics: Metrics) {
    // The alarms read the metrics with exactly the dimensions published: Powertools' default
    // `service` dimension would make them other metrics.
    metrics.clearDefaultDimensions();
  }

  publish(dimensions: Readonly<Record<string, string>>, values: readonly MetricValue[], at: Date): void {
    for (const [name, value] of Object.entries(dimensions)) this.metrics.addDimension(name, value);
    for (const { name, unit, value } of values) this.metrics.addMetric(name, UNITS[unit], value);
    this.metrics.setTimestamp(at);
    this.metrics.publishStoredMetrics();
  }
}
