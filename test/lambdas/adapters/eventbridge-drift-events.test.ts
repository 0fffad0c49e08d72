import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftEventError, EventBridgeDriftEventBus } from '../../../lambdas/adapters/eventbridge-drift-events';
import type { DriftDetectedDetail } from '../../../lib/contract';

// EventBridge has no local engine: the client is mocked and the request asserted in full.
const client = new EventBridgeClient({ region: 'us-east-1' });
const eventBridge = mockClient(client);

const detail: DriftDetectedDetail = {
  model: 'churn',
  stage: 'test',
  version: 3,
  window: { from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T10:15:00.000Z' },
  maxPsi: 0.5,
  maxKs: 0.4,
  features: ['tenure'],
  reportUri: 's3://artifacts/reports/churn/2026-11-22T10-00Z.json',
};

afterEach(() => eventBridge.reset());

describe('EventBridgeDriftEventBus', () => {
  it('puts one gantry.drift DriftDetected entry with the detail as JSON', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeDriftEventBus(client).driftDetected(detail);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([{ Entries: [{ Source: 'gantry.drift', DetailType: 'DriftDetected', Detail: JSON.stringify(detail) }] }]);
  });

  it.each([
    [{ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] }, 'model "churn": PutEvents refused the DriftDetected event: InternalFailure: try again'],
    [{ FailedEntryCount: 1 }, 'model "churn": PutEvents refused the DriftDetected event: unknown error'],
  ])('throws DriftEventError when EventBridge refuses the entry (%#)', async (output, message) => {
    eventBridge.on(PutEventsCommand).resolves(output);
    const error = await new EventBridgeDriftEventBus(client).driftDetected(detail).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftEventError);
    expect(error).toMatchObject({ name: 'DriftEventError', model: 'churn', message });
  });
});
