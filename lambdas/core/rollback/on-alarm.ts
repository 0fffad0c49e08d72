/**
 * The automatic rollback of one alarm, over ports. After baking (SageMaker's guardrails own the
 * alarms while a deployment bakes), an alarm in ALARM marks the production version RolledBack
 * and starts the model's deploy workflow with the last-good version, then notifies the model's
 * topic. One claim per deployment (endpoint config) makes duplicates and retries safe: only the
 * first alarm event about a deployment starts anything, and one rollback at most is in flight.
 * A rollback whose execution ended without succeeding does not hold its claim for ever: the
 * next alarm about that deployment sees it ended and retries under the same claim. An alarm
 * with no last-good version is told once per deployment, under a notice claim. The decisions
 * are `rollback.ts`'s.
 */
import type { DeployInput } from '../../../lib/contract';
import type { Log } from '../log';
import { AlreadyClaimedError, UnknownModelError, type ClaimRecord, type Pointers, type Registry } from '../registry/model';
import {
  assessAlarm,
  assessEndpoint,
  claimKeyOf,
  decideRollback,
  endedUnsuccessfully,
  executionNameOf,
  noLastGoodNotification,
  noticeKeyOf,
  retryExecutionNameOf,
  ROLLBACK_ACTOR,
  rollbackDeployInput,
  rollbackReason,
  rollbackStartedNotification,
  type AlarmFacts,
  type EndpointFacts,
  type ExecutionStatus,
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

/**
 * Port: an execution's status, or undefined when Step Functions does not (yet) know it:
 * DescribeExecution is eventually consistent, so a just-started execution may not show.
 */
export interface ExecutionReader {
  status(executionArn: string): Promise<ExecutionStatus | undefined>;
}

/** Port: tells a model's topic. */
export interface Notifier {
  notify(topicArn: string, notification: Notification): Promise<void>;
}

export interface RollbackPorts {
  readonly registry: Pick<Registry, 'pointers' | 'markRolledBack' | 'markClaimStarted' | 'retakeClaim' | 'claimNotice' | 'markClaimNotified'>;
  readonly endpoints: EndpointReader;
  readonly deploys: DeployStarter;
  readonly executions: ExecutionReader;
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
  /** `notified` is false when this deployment's incident was already told. */
  | { readonly action: 'no-last-good'; readonly productionVersion: number; readonly notified: boolean }
  | { readonly action: 'duplicate'; readonly key: string; readonly executionArn?: string }
  | { readonly action: 'started' | 'resumed' | 'retried'; readonly executionArn: string; readonly fromVersion: number; readonly toVersion: number };

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
    const notified = await notifyOnce(request, endpoint.endpointConfigName, productionVersion, ports, now(), resumeAfterMs, log);
    return { action: 'no-last-good', productionVersion, notified };
  }

  const key = claimKeyOf(endpoint.endpointConfigName);
  const reason = rollbackReason(alarm);
  const details = { alarmName: alarm.alarmName, eventId: alarm.eventId, eventTime: alarm.eventTime, alarmAt: alarm.stateAt.toISOString(), toVersion: decision.toVersion };
  let executionName = executionNameOf(decision.fromVersion, key);
  let outcome: 'started' | 'resumed' | 'retried' = 'started';
  try {
    await ports.registry.markRolledBack(model, decision.fromVersion, ROLLBACK_ACTOR, reason, { key, executionName, details });
  } catch (error) {
    if (!(error instanceof AlreadyClaimedError)) throw error;
    const { claim } = error;
    if (claim.executionArn !== undefined) {
      const status = await ports.executions.status(claim.executionArn);
      if (!endedUnsuccessfully(status)) {
        ports.log.info('duplicate alarm: the deployment is already being rolled back', { ...log, key, claimedAt: claim.createdAt, executionArn: claim.executionArn, executionStatus: status });
        return { action: 'duplicate', key, executionArn: claim.executionArn };
      }
      const attempt = (claim.attempt ?? 1) + 1;
      executionName = retryExecutionNameOf(executionName, attempt);
      try {
        await ports.registry.retakeClaim(model, key, claim.executionArn, { executionName, actor: ROLLBACK_ACTOR, reason, details: { ...details, previousStatus: status } });
      } catch (retakeError) {
        if (!(retakeError instanceof AlreadyClaimedError)) throw retakeError;
        ports.log.info('duplicate alarm: another attempt retried the rollback first', { ...log, key, executionArn: retakeError.claim.executionArn });
        return { action: 'duplicate', key, ...(retakeError.claim.executionArn !== undefined ? { executionArn: retakeError.claim.executionArn } : {}) };
      }
      ports.log.warn('retrying a rollback whose execution ended without succeeding', { ...log, key, previousExecutionArn: claim.executionArn, previousStatus: status, attempt });
      outcome = 'retried';
    } else if (!resumable(claim, now(), resumeAfterMs)) {
      ports.log.info('duplicate alarm: the deployment is already being rolled back', { ...log, key, claimedAt: claim.createdAt });
      return { action: 'duplicate', key };
    } else {
      ports.log.warn('resuming a rollback whose execution was never started', { ...log, key, claimedAt: claim.createdAt });
      executionName = claim.executionName ?? executionName;
      outcome = 'resumed';
    }
  }

  const executionArn = await ports.deploys.start(request.stateMachineArn, executionName, rollbackDeployInput(model, decision.toVersion, reason));
  // Notified before the claim records the start: a crash in between resumes, and so
  // notifies again, rather than leaving a rollback nobody was told about.
  await ports.notifier.notify(request.topicArn, rollbackStartedNotification({ model, endpointName, fromVersion: decision.fromVersion, toVersion: decision.toVersion, alarm, executionArn }));
  await ports.registry.markClaimStarted(model, key, executionArn);
  ports.log.info(`rollback ${outcome}`, { ...log, key, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion });
  return { action: outcome, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion };
}

/** A claim nobody will finish: older than any attempt still running. */
function resumable(claim: ClaimRecord, now: Date, resumeAfterMs: number): boolean {
  return now.getTime() - Date.parse(claim.createdAt) >= resumeAfterMs;
}

/**
 * Tells the topic about an alarm with no last-good version, once per deployment: the notice
 * claim comes first, so duplicates and repeats find it; a claim never marked notified and older
 * than the resume window was left by a crashed attempt, and this one notifies instead.
 * @returns whether this call sent the notification
 */
async function notifyOnce(request: RollbackRequest, endpointConfigName: string, productionVersion: number, ports: RollbackPorts, now: Date, resumeAfterMs: number, log: Record<string, unknown>): Promise<boolean> {
  const { model, endpointName, alarm } = request;
  const key = noticeKeyOf(endpointConfigName);
  try {
    await ports.registry.claimNotice(model, productionVersion, ROLLBACK_ACTOR, `${rollbackReason(alarm)}; no last-good version to roll back to`, {
      key,
      details: { alarmName: alarm.alarmName, eventId: alarm.eventId, alarmAt: alarm.stateAt.toISOString(), endpointConfigName },
    });
  } catch (error) {
    if (!(error instanceof AlreadyClaimedError)) throw error;
    if (error.claim.notifiedAt !== undefined || !resumable(error.claim, now, resumeAfterMs)) {
      ports.log.info('alarm with no last-good version: already notified for this deployment', { ...log, productionVersion, key, claimedAt: error.claim.createdAt });
      return false;
    }
  }
  await ports.notifier.notify(request.topicArn, noLastGoodNotification({ model, endpointName, productionVersion, alarm, stateMachineArn: request.stateMachineArn }));
  await ports.registry.markClaimNotified(model, key);
  ports.log.warn('alarm with no last-good version: notified, nothing changed', { ...log, productionVersion });
  return true;
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
