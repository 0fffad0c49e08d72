import { describe, expect, it } from 'vitest';
import { scheduleProblem } from '../../../lib/config/schedule';

describe('scheduleProblem', () => {
  it.each(['rate(1 minute)', 'rate(15 minutes)', 'rate(1 day)', 'rate(7 days)', 'cron(0 3 ? * MON *)', 'cron(0/15 * * * ? *)', 'cron(0 12 1 * ? *)'])('accepts %s', (expr) => {
    expect(scheduleProblem(expr)).toBeUndefined();
  });

  it.each([
    ['rate(1 minutes)', /use "1 minute"/],
    ['rate(5 minute)', /use "5 minutes"/],
    ['rate(0 hours)', /at least 1/],
    ['cron(0 3 * * *)', /6 fields.*got 5/],
    ['cron(0 3 * * MON *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 3 ? * MON$ *)', /characters EventBridge does not accept/],
    ['daily', /expected rate\(/],
  ])('rejects %s', (expr, reason) => {
    expect(scheduleProblem(expr)).toMatch(reason);
  });
});
