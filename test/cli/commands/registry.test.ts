import { describe, expect, it } from 'vitest';
import { eventLine } from '../../../cli/commands/registry';
import type { RegistryEvent } from '../../../lambdas/core/registry/model';

const at = '2026-11-02T10:00:00.000Z';
const actor = 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-2';
const event = (e: Omit<RegistryEvent, 'model' | 'at' | 'actor'>): RegistryEvent => ({ model: 'churn', at, actor, ...e });

describe('eventLine', () => {
  it.each<[RegistryEvent, string]>([
    [event({ seq: 5, type: 'Promoted', version: 2, previousVersion: 1, reason: 'better AUC' }), `#5  ${at}  Promoted           v2 (was v1) better AUC  by ${actor}`],
    [
      event({ seq: 3, type: 'EndpointDeleted', version: 2, reason: 'ping health check failed', details: { endpoint: 'gantry-prod-churn', failedConfig: 'gantry-prod-churn-v1-0badc0de' } }),
      `#3  ${at}  EndpointDeleted    v2 gantry-prod-churn, Failed on gantry-prod-churn-v1-0badc0de: ping health check failed  by ${actor}`,
    ],
    [event({ seq: 3, type: 'EndpointDeleted', version: 2, reason: 'SageMaker gave no reason', details: { endpoint: 'gantry-prod-churn' } }), `#3  ${at}  EndpointDeleted    v2 gantry-prod-churn, Failed: SageMaker gave no reason  by ${actor}`],
    [
      event({ seq: 4, type: 'EndpointRecreated', version: 2, reason: 'created again on gantry-prod-churn-v2-1a2b3c4d', details: { endpoint: 'gantry-prod-churn', config: 'gantry-prod-churn-v2-1a2b3c4d' } }),
      `#4  ${at}  EndpointRecreated  v2 gantry-prod-churn created again on gantry-prod-churn-v2-1a2b3c4d  by ${actor}`,
    ],
    // Other events' details stay out of the line, as before.
    [event({ seq: 6, type: 'Failed', version: 2, reason: 'EndpointDeletionTimeout', details: { error: 'EndpointDeletionTimeout', cause: 'still Deleting' } }), `#6  ${at}  Failed             v2 EndpointDeletionTimeout  by ${actor}`],
  ])('%#: %s', (e, line) => {
    expect(eventLine(e)).toBe(line);
  });

  it('lines the details up whatever the type', () => {
    const lines = (['Registered', 'RollbackStarted', 'EndpointRecreated'] as const).map((type) => eventLine(event({ seq: 1, type, version: 1 })));
    expect(new Set(lines.map((l) => l.indexOf(' v1 ')))).toHaveProperty('size', 1);
  });
});
