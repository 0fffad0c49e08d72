import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DRIFT_EVENT, type DriftDetectedDetail } from '../../lib/contract';
import type { DriftEventBus } from '../core/drift/check';

/** EventBridge refused the DriftDetected event; the invocation fails so that Lambda retries it. */
export class DriftEventError extends Error {
  constructor(readonly model: string, code: string | undefined, message: string | undefined) {
    super(`model "${model}": PutEvents refused the DriftDetected event: ${code ?? 'unknown error'}${message ? `: ${message}` : ''}`);
    this.name = 'DriftEventError';
  }
}

/** DriftDetected events on the account's default bus, where the models' rules match them. */
export class EventBridgeDriftEventBus implements DriftEventBus {
  constructor(private readonly eventBridge: EventBridgeClient) {}

  /** @throws DriftEventError when EventBridge refuses the entry */
  async driftDetected(detail: DriftDetectedDetail): Promise<void> {
    const output = await this.eventBridge.send(new PutEventsCommand({ Entries: [{ Source: DRIFT_EVENT.source, DetailType: DRIFT_EVENT.detailType, Detail: JSON.stringify(detail) }] }));
    // PutEvents answers 200 with a per-entry failure count rather than throwing.
    if ((output.FailedEntryCount ?? 0) > 0) {
      const [entry] = output.Entries ?? [];
      throw new DriftEventError(detail.model, entry?.ErrorCode, entry?.ErrorMessage);
    }
  }
}
