/**
 * The automatic rollback of one alarm, over ports. After baking (SageMaker's guardrails own the
 * alarms while a deployment bakes), an alarm in ALARM marks the production version RolledBack
 * and starts the model's deploy workflow with the last-good version, then notifies the model's
 * topic. One claim per deployment (endpoint config) makes duplicates and retries safe: only the
 * first alarm event about a deployment starts anything. The decisions are `rollback.ts`'s.
 */
import type { DeployInput } from '../../../lib/contract';
import type { Log } from '../log';
import { AlreadyClaimedError, UnknownModelError, type ClaimRecord, type Pointers, type Registry } from '../registry/model';
import {
  assessAlarm,
  assessEndpoint,
  claimKeyOf,
  decideRollback,
  executionNameOf,
  noLastGoodNotification,
  ROLLBACK_ACTOR,
  rollbackDeployInput,
  rollbackReason,
  rollbackStartedNotification,
  type AlarmFacts,
  type EndpointFacts,
  type Notification,
} from './rollback';

/** Port: the endpoint as SageMaker describes it, or undefined when it does not exist. */
export interface EndpointReader {
  describe(endpointName: string): Promise<EndpointFacts | undefined>;
}

/**
 * Port: starts a deploy workflow execution under a name and returns its ARN. An execution
 * already started under that name (by an earlier attempt) counts as started.
 */
export interface DeployStarter {
  start(stateMachineArn: string, executionName: string, input: DeployInput): Promise<string>;
}

/** Port: tells a model's topic. */
export interface Notifier {
  notify(topicArn: string, notification: Notification): Promise<void>;
}

export interface RollbackPorts {
  readonly registry: Pick<Registry, 'pointers' | 'markRolledBack' | 'markClaimStarted'>;
  readonly endpoints: EndpointReader;
  readonly deploys: DeployStarter;
  readonly notifier: Notifier;
  readonly log: Log;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * A claim without a started execution, older than this, is taken to be left by an attempt
   * that crashed between claiming and starting; the next attempt resumes it. Younger ones
   * belong to an attempt still running. @default DEFAULT_RESUME_AFTER_MS
   */
  readonly resumeAfterMs?: number;
}

export const DEFAULT_RESUME_AFTER_MS = 60_000;

/** One alarm about one model's endpoint, with where to deploy and whom to tell. */
export interface RollbackRequest {
  readonly model: string;
  readonly endpointName: string;
  readonly stateMachineArn: string;
  readonly topicArn: string;
  readonly alarm: AlarmFacts;
}

export type RollbackResult =
  | { readonly action: 'ignored'; readonly reason: string }
  | { readonly action: 'no-last-good'; readonly productionVersion: number }
  | { readonly action: 'duplicate'; readonly key: string; readonly executionArn?: string }
  | { readonly action: 'started' | 'resumed'; readonly executionArn: string; readonly fromVersion: number; readonly toVersion: number };

/**
 * Thrown when the endpoint serves a version other than the registry's production one: a
 * deployment finished on SageMaker but its workflow has not recorded it yet. Lambda's retry
 * of the asynchronous invocation re-runs the rollback once the registry has caught up.
 */
export class RegistryBehindEndpointError extends Error {
  constructor(readonly model: string, message: string) {
    super(`model "${model}": ${message}; retry once the deploy workflow has recorded its deployment`);
    this.name = 'RegistryBehindEndpointError';
  }
}

/** See the module comment. @throws RegistryBehindEndpointError, and whatever a port throws */
export async function rollBack(request: RollbackRequest, ports: RollbackPorts): Promise<RollbackResult> {
  const now = ports.now ?? (() => new Date());
  const resumeAfterMs = ports.resumeAfterMs ?? DEFAULT_RESUME_AFTER_MS;
  const { model, endpointName, alarm } = request;
  const log = { model, endpointName, alarmName: alarm.alarmName, eventId: alarm.eventId };
  const ignored = (fields: Record<string, unknown>, reason: string): RollbackResult => {
    ports.log.info('alarm ignored', { ...fields, reason });
    return { action: 'ignored', reason };
  };

  const notAlarm = assessAlarm(alarm);
  if (notAlarm) return ignored(log, notAlarm.reason);

  const endpoint = await ports.endpoints.describe(endpointName);
  if (!endpoint) return ignored(log, `endpoint ${endpointName} does not exist`);
  const blocked = assessEndpoint(alarm, endpoint);
  if (blocked) return ignored({ ...log, endpointStatus: endpoint.status, endpointConfigName: endpoint.endpointConfigName }, blocked.reason);

  const decision = decideRollback(endpoint, await pointersOf(ports.registry, model));
  if (decision.action === 'ignore') return ignored(log, decision.reason);
  if (decision.action === 'retry') throw new RegistryBehindEndpointError(model, decision.reason);
  if (decision.action === 'notify-no-last-good') {
    const { productionVersion } = decision;
    await ports.notifier.notify(request.topicArn, noLastGoodNotification({ model, endpointName, productionVersion, alarm, stateMachineArn: request.stateMachineArn }));
    ports.log.warn('alarm with no last-good version: notified, nothing changed', { ...log, productionVersion });
    return { action: 'no-last-good', productionVersion };
  }

  const key = claimKeyOf(endpoint.endpointConfigName);
  const reason = rollbackReason(alarm);
  let executionName = executionNameOf(decision.fromVersion, key);
  let outcome: 'started' | 'resumed' = 'started';
  try {
    await ports.registry.markRolledBack(model, decision.fromVersion, ROLLBACK_ACTOR, reason, {
      key,
      executionName,
      details: { alarmName: alarm.alarmName, eventId: alarm.eventId, eventTime: alarm.eventTime, alarmAt: alarm.stateAt.toISOString(), toVersion: decision.toVersion },
    });
  } catch (error) {
    if (!(error instanceof AlreadyClaimedError)) throw error;
    const { claim } = error;
    if (!resumable(claim, now(), resumeAfterMs)) {
      ports.log.info('duplicate alarm: the deployment is already being rolled back', { ...log, key, claimedAt: claim.createdAt, executionArn: claim.executionArn });
      return { action: 'duplicate', key, ...(claim.executionArn !== undefined ? { executionArn: claim.executionArn } : {}) };
    }
    ports.log.warn('resuming a rollback whose execution was never started', { ...log, key, claimedAt: claim.createdAt });
    executionName = claim.executionName;
    outcome = 'resumed';
  }

  const executionArn = await ports.deploys.start(request.stateMachineArn, executionName, rollbackDeployInput(model, decision.toVersion, reason));
  // Notified before the claim records the start: a crash in between resumes, and so
  // notifies again, rather than leaving a rollback nobody was told about.
  await ports.notifier.notify(request.topicArn, rollbackStartedNotification({ model, endpointName, fromVersion: decision.fromVersion, toVersion: decision.toVersion, alarm, executionArn }));
  await ports.registry.markClaimStarted(model, key, executionArn);
  ports.log.info(`rollback ${outcome}`, { ...log, key, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion });
  return { action: outcome, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion };
}

/** A claim nobody will finish: never started, and older than any attempt still running. */
function resumable(claim: ClaimRecord, now: Date, resumeAfterMs: number): boolean {
  return claim.executionArn === undefined && now.getTime() - Date.parse(claim.createdAt) >= resumeAfterMs;
}

/** The model's pointers; none for a model the registry does not know. */
async function pointersOf(registry: RollbackPorts['registry'], model: string): Promise<Pointers> {
  try {
    return await registry.pointers(model);
  } catch (error) {
    if (error instanceof UnknownModelError) return {};
    throw error;
  }
}
