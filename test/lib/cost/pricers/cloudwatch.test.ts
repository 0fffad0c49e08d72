import { describe, expect, it } from 'vitest';
import { UnpricedError } from '../../../../lib/cost/types';
import { priceOne } from './price-one';

const stat = (period = 60) => ({ MetricStat: { Metric: { MetricName: 'X' }, Period: period, Stat: 'Sum' } });

describe('CloudWatch pricers', () => {
  describe('AWS::CloudWatch::Alarm', () => {
    it.each([
      [{ MetricName: 'ModelLatency', Period: 60 }, 1, '1 metric read × $0.1/alarm metric-month'],
      // A metric-math alarm is billed per metric it reads, not for the expression.
      [{ Metrics: [stat(), stat(), { Expression: 'm1 / m2', Id: 'e1' }] }, 2, '2 metrics read × $0.1/alarm metric-month'],
    ])('prices %j per metric it reads', (props, metrics, basis) => {
      const { cost, prices } = priceOne('AWS::CloudWatch::Alarm', props);
      expect(cost).toEqual({ idleUsd: metrics * 0.1, expectedUsd: metrics * 0.1, basis });
      expect(prices).toEqual(['cloudwatch.alarm-metric-month']);
    });

    it.each([
      [{ Metrics: [{ Expression: 'SELECT AVG(x) FROM y', Id: 'q' }] }, /an alarm without metrics/],
      [{ MetricName: 'ModelLatency', Period: 10 }, /high-resolution alarm/],
      [{ Metrics: [stat(30)] }, /high-resolution alarm/],
    ])('throws when it has no price: %j', (props, message) => {
      expect(() => priceOne('AWS::CloudWatch::Alarm', props)).toThrow(UnpricedError);
      expect(() => priceOne('AWS::CloudWatch::Alarm', props)).toThrow(message);
    });
  });

  it('splits the config\'s log volume between the stage\'s log groups', () => {
    const { cost } = priceOne('AWS::Logs::LogGroup', {}, { others: { Other: { Type: 'AWS::Logs::LogGroup' } } });
    // dev: 1 GB a month over 2 log groups × $0.50/GB
    expect(cost).toEqual({ idleUsd: 0, expectedUsd: 0.25, basis: 'usage.logsGbPerMonth 1 GB ÷ 2 log groups = 0.5 GB × $0.5/GB ingested (storage after ingestion not priced)' });
  });

  it('prices a dashboard by the month, idle too', () => {
    expect(priceOne('AWS::CloudWatch::Dashboard', {}).cost).toEqual({ idleUsd: 3, expectedUsd: 3, basis: '1 dashboard × $3/month' });
  });
});
