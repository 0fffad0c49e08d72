/** Amazon CloudWatch: log ingestion, alarms per metric they read, and dashboards. */
import { formatCount, formatPrice } from '../format';
import { unpriced, type ServicePricers } from './pricer';

export const CLOUDWATCH_PRICERS: ServicePricers = {
  'AWS::Logs::LogGroup': (_resource, p, ctx) => {
    const gb = ctx.config.usage.logsGbPerMonth / ctx.logGroupCount;
    const rate = p.usd('cloudwatch.logs.ingest-gb');
    return {
      idleUsd: 0,
      expectedUsd: gb * rate,
      basis: `usage.logsGbPerMonth ${formatCount(ctx.config.usage.logsGbPerMonth)} GB ÷ ${ctx.logGroupCount} log groups = ${formatCount(gb)} GB × ${formatPrice(rate)}/GB ingested (storage after ingestion not priced)`,
    };
  },
  'AWS::CloudWatch::Alarm': (resource, p) => {
    const props = resource.props;
    // An alarm on a metric-math expression is billed per metric it reads.
    const metrics = Array.isArray(props['Metrics']) ? (props['Metrics'] as { MetricStat?: unknown }[]).filter((m) => m.MetricStat !== undefined).length : props['MetricName'] !== undefined ? 1 : 0;
    if (metrics === 0) throw unpriced(resource, ' (an alarm without metrics, e.g. a Metrics Insights query)');
    const period = Number(props['Period'] ?? (props['Metrics'] as { MetricStat?: { Period?: number } }[] | undefined)?.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60);
    if (period < 60) throw unpriced(resource, ' (high-resolution alarm)');
    const rate = p.usd('cloudwatch.alarm-metric-month');
    return { idleUsd: metrics * rate, expectedUsd: metrics * rate, basis: `${metrics} metric${metrics === 1 ? '' : 's'} read × ${formatPrice(rate)}/alarm metric-month` };
  },
  'AWS::CloudWatch::Dashboard': (_resource, p) => {
    const rate = p.usd('cloudwatch.dashboard-month');
    return { idleUsd: rate, expectedUsd: rate, basis: `1 dashboard × ${formatPrice(rate)}/month` };
  },
};
