/**
 * Checks EventBridge Scheduler expressions (`rate(...)` and `cron(...)`) at synth time, so a
 * typo fails `cdk synth` with the model and field named instead of failing a deploy.
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELD = /^[\d*?,\-/LW#A-Z]+$/i;

/** Returns undefined when the expression is valid, otherwise the reason it is not. */
export function scheduleProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) return 'a rate must be at least 1';
    // EventBridge insists on the singular for 1 and the plural otherwise.
    if ((value === 1) !== !unit.endsWith('s')) return `use "${value} ${value === 1 ? unit.replace(/s$/, '') : unit.replace(/s?$/, 's')}"`;
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
    if (!fields.every((f) => CRON_FIELD.test(f))) return 'a cron field has characters EventBridge does not accept';
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) return 'exactly one of day-of-month and day-of-week must be "?"';
    return undefined;
  }
  return 'expected rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)';
}

/** The period of a `rate(...)` expression in minutes; undefined for a cron expression. */
export function ratePeriodMinutes(expression: string): number | undefined {
  const rate = RATE.exec(expression);
  if (!rate) return undefined;
  const perUnit = { minute: 1, hour: 60, day: 1440 } as const;
  return Number(rate[1]) * perUnit[rate[2]!.replace(/s$/, '') as keyof typeof perUnit];
}
