import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../../support/app';
import { priceOne } from './price-one';

describe('the SNS pricer', () => {
  it('prices the emails of a topic\'s email subscriptions beside its publishes', () => {
    const others = { Mail: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Subject' }, Protocol: 'email' } } };
    const { cost, prices } = priceOne('AWS::SNS::Topic', {}, { others });
    // 10 budget and anomaly alerts: 10 publishes × $0.50/million + 10 emails × $2/100,000
    expect(cost?.expectedUsd).toBeCloseTo((10 / 1e6) * 0.5 + (10 / 1e5) * 2, 15);
    expect(prices).toEqual(['sns.publish-million', 'sns.email-100k']);
  });

  it('counts a model topic\'s training runs, deployments and alarm changes', () => {
    const model = stageConfig('dev').models[0]!;
    const publishes = 2 * model.usage.trainingRunsPerMonth + 10;
    expect(priceOne('AWS::SNS::Topic', {}, { model }).cost).toEqual({
      idleUsd: 0,
      expectedUsd: (publishes / 1e6) * 0.5,
      basis: `${publishes} notifications (training runs + deployments + 10 alarm changes) × $0.5/million`,
    });
  });
});
