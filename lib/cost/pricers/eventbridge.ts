/**
 * Amazon EventBridge: Scheduler invocations (a schedule fires whether or not there is traffic,
 * so its fee is idle cost too) and custom events; rules on AWS service events and schedules are free.
 */
import { ratePeriodMinutes } from '../../config/schedule';
import { DRIFT_EVENT } from '../../contract';
import { formatCount, formatPrice } from '../format';
import { MINUTES_PER_30_DAYS } from '../units';
import { modelUsage } from '../usage';
import type { ServicePricers } from './pricer';

/** Invocations a month of a cron schedule outside a model stack (assumed daily). */
const OTHER_CRON_INVOCATIONS = 30;

function eventSources(pattern: unknown): string[] {
  const source = (pattern as { source?: unknown } | undefined)?.source;
  return Array.isArray(source) ? source.filter((s): s is string => typeof s === 'string') : [];
}

export const EVENTBRIDGE_PRICERS: ServicePricers = {
  'AWS::Scheduler::Schedule': (resource, p) => {
    const expression = String(resource.props['ScheduleExpression'] ?? '');
    const rate = p.usd('scheduler.invocation-million');
    const period = ratePeriodMinutes(expression);
    const m = resource.model();
    let invocations: number;
    let why: string;
    if (period !== undefined) {
      invocations = MINUTES_PER_30_DAYS / period;
      why = `${expression}: ${formatCount(invocations)} invocations in 30 days`;
    } else if (m) {
      // A model's cron schedule starts its training runs.
      invocations = m.usage.trainingRunsPerMonth;
      why = `${expression}: usage.trainingRunsPerMonth ${formatCount(invocations)} invocations`;
    } else {
      invocations = OTHER_CRON_INVOCATIONS;
      why = `${expression}: assumed daily, ${OTHER_CRON_INVOCATIONS} invocations`;
    }
    const usd = (invocations / 1e6) * rate;
    return { idleUsd: usd, expectedUsd: usd, basis: `${why} × ${formatPrice(rate)}/million (14 million a month free, not applied)` };
  },
  'AWS::Events::Rule': (resource, p) => {
    const sources = eventSources(resource.props['EventPattern']);
    if (resource.props['ScheduleExpression'] !== undefined || (sources.length > 0 && sources.every((s) => s.startsWith('aws.')))) return undefined;
    const rate = p.usd('eventbridge.custom-event-million');
    const m = resource.model();
    if (sources.includes(DRIFT_EVENT.source) && m) {
      const events = modelUsage(m).driftChecks;
      return { idleUsd: 0, expectedUsd: (events / 1e6) * rate, basis: `at most 1 ${DRIFT_EVENT.source} event per drift check: ${formatCount(events)} × ${formatPrice(rate)}/million custom events` };
    }
    return { idleUsd: 0, expectedUsd: 0, basis: `custom events from ${sources.join(', ') || 'an unknown source'}: no volume model, counted at 0 (× ${formatPrice(rate)}/million)` };
  },
};
