import { describe, expect, it } from 'vitest';
import { stageConfig } from '../../../support/app';
import { priceOne } from './price-one';

describe('EventBridge pricers', () => {
  const model = stageConfig('dev').models[0]!;

  describe('AWS::Scheduler::Schedule', () => {
    it.each([
      // 43,200 minutes in 30 days / 15 = 2,880 invocations × $1/million
      ['rate(15 minutes)', undefined, 2880 / 1e6, 'rate(15 minutes): 2,880 invocations in 30 days × $1/million (14 million a month free, not applied)'],
      ['rate(1 hour)', undefined, 720 / 1e6, 'rate(1 hour): 720 invocations in 30 days × $1/million (14 million a month free, not applied)'],
      ['rate(2 days)', undefined, 15 / 1e6, 'rate(2 days): 15 invocations in 30 days × $1/million (14 million a month free, not applied)'],
      // A model's cron schedule starts its training runs; any other is assumed daily.
      ['cron(0 3 ? * MON *)', model, model.usage.trainingRunsPerMonth / 1e6, `cron(0 3 ? * MON *): usage.trainingRunsPerMonth ${model.usage.trainingRunsPerMonth} invocations × $1/million (14 million a month free, not applied)`],
      ['cron(0 3 ? * MON *)', undefined, 30 / 1e6, 'cron(0 3 ? * MON *): assumed daily, 30 invocations × $1/million (14 million a month free, not applied)'],
    ])('prices %s as idle cost too', (expression, owner, usd, basis) => {
      const { cost, prices } = priceOne('AWS::Scheduler::Schedule', { ScheduleExpression: expression }, { model: owner });
      expect(cost).toEqual({ idleUsd: usd, expectedUsd: usd, basis });
      expect(prices).toEqual(['scheduler.invocation-million']);
    });
  });

  describe('AWS::Events::Rule', () => {
    it.each([
      [{ ScheduleExpression: 'rate(1 day)' }],
      [{ EventPattern: { source: ['aws.cloudwatch'] } }],
    ])('is free on schedules and AWS service events: %j', (props) => {
      expect(priceOne('AWS::Events::Rule', props).cost).toBeUndefined();
    });

    it('prices at most one drift event per drift check of the model', () => {
      const inf2 = stageConfig('prod').models[0]!;
      const { cost } = priceOne('AWS::Events::Rule', { EventPattern: { source: ['gantry.drift'] } }, { model: inf2 });
      expect(cost?.idleUsd).toBe(0);
      expect(cost?.expectedUsd).toBeGreaterThan(0);
      expect(cost?.basis).toMatch(/^at most 1 gantry\.drift event per drift check: /);
    });

    it('counts custom events it has no volume model for at zero, saying so', () => {
      expect(priceOne('AWS::Events::Rule', { EventPattern: { source: ['acme.orders'] } }).cost).toEqual({
        idleUsd: 0,
        expectedUsd: 0,
        basis: 'custom events from acme.orders: no volume model, counted at 0 (× $1/million)',
      });
    });
  });
});
