/**
 * The automatic rollback's decisions (pure: no SDK). Given an endpoint alarm, the endpoint as
 * SageMaker describes it and the model's registry pointers, it decides whether to roll back,
 * and names the claim and the deploy execution so that every duplicate of the same alarm, and
 * every other alarm about the same deployment, lands on the same claim and execution.
 */
import { createHash } from 'node:crypto';
import { type DeployInput, versionOfDeploymentResource } from '../../../lib/contract';
import type { Pointers } from '../registry/model';

/** Actor of the registry writes and `requestedBy` of the deploy executions the rollback starts. */
export const ROLLBACK_ACTOR = 'gantry-rollback';

/** SNS subjects are at most 100 printable ASCII characters. */
export const MAX_SUBJECT_LENGTH = 100;

/** The facts of an alarm state change that the rollback reads. */
export interface AlarmFacts {
  readonly alarmName: string;
  /** `ALARM`, `OK` or `INSUFFICIENT_DATA`. */
  readonly state: string;
  /** CloudWatch's explanation of the state change. */
  readonly stateReason: string;
  /** When the alarm entered the state. */
  readonly stateAt: Date;
  /** The EventBridge event id: identical for redeliveries of one event. */
  readonly eventId: string;
  readonly eventTime: string;
}

/** The fields of DescribeEndpoint the rollback reads. */
export interface EndpointFacts {
  readonly endpointName: string;
  readonly status: string;
  readonly endpointConfigName: string;
  readonly lastModifiedTime: Date;
  /** SageMaker reports a deployment (with its guardrails) that has not finished yet. */
  readonly pendingDeployment: boolean;
}

/** Nothing to do, and why. */
export interface Ignore {
  readonly action: 'ignore';
  readonly reason: string;
}

/** What to do about an alarm. */
export type RollbackDecision =
  | Ignore
  | { readonly action: 'notify-no-last-good'; readonly productionVersion: number }
  | { readonly action: 'roll-back'; readonly fromVersion: number; readonly toVersion: number };

/** Endpoint states in which SageMaker is still applying (and, with guardrails, baking) a change. */
const CHANGING = new Set(['Creating', 'Updating', 'RollingBack']);

export const DEPLOYMENT_IN_PROGRESS = 'deployment in progress';
export const STALE_ALARM = 'alarm predates the current deployment';

/** Only an alarm going into ALARM can call for a rollback (not one going back to OK). */
export function assessAlarm(alarm: AlarmFacts): Ignore | undefined {
  return alarm.state === 'ALARM' ? undefined : { action: 'ignore', reason: `alarm state is ${alarm.state}, not ALARM` };
}

/** Decides what the endpoint's state allows, before the registry is read. */
export function assessEndpoint(alarm: AlarmFacts, endpoint: EndpointFacts): Ignore | undefined {
  // While a deployment bakes, SageMaker's guardrails watch the same alarms and roll back by
  // themselves; a second rollback on top would fight them.
  if (endpoint.pendingDeployment || CHANGING.has(endpoint.status)) return { action: 'ignore', reason: DEPLOYMENT_IN_PROGRESS };
  if (endpoint.status !== 'InService') return { action: 'ignore', reason: `endpoint is ${endpoint.status}, not InService` };
  // An alarm raised before the endpoint last changed is about the deployment it replaced
  // (a late or redelivered event): the version serving now has not been judged by it.
  if (alarm.stateAt.getTime() < endpoint.lastModifiedTime.getTime()) return { action: 'ignore', reason: STALE_ALARM };
  return undefined;
}

/**
 * Decides, from the registry's pointers, what to roll back to. The endpoint config's name
 * tells which version it serves (`deploymentResourceName`); when it disagrees with the
 * production pointer, the registry has not caught up with the endpoint yet (a deployment
 * finished on SageMaker but its workflow has not promoted it): rolling back the pointer's
 * version would blame the wrong one, so the caller must retry later.
 */
export function decideRollback(endpoint: EndpointFacts, pointers: Pointers): RollbackDecision | { readonly action: 'retry'; readonly reason: string } {
  const { production, lastGood } = pointers;
  if (production === undefined) return { action: 'ignore', reason: 'the model has no production version' };
  const serving = versionOfDeploymentResource(endpoint.endpointName, endpoint.endpointConfigName);
  if (serving !== undefined && serving !== production) {
    return { action: 'retry', reason: `endpoint config ${endpoint.endpointConfigName} serves version ${serving} but the registry's production version is ${production}` };
  }
  if (lastGood === undefined) return { action: 'notify-no-last-good', productionVersion: production };
  return { action: 'roll-back', fromVersion: production, toVersion: lastGood };
}

/** The claim key: one rollback per deployment (endpoint config), whichever alarm fires first. */
export function claimKeyOf(endpointConfigName: string): string {
  return `rollback#${endpointConfigName}`;
}

/**
 * The notice key: an alarm with no last-good version is told once per deployment (endpoint
 * config), the incident, however often its alarms fire or their events are redelivered.
 */
export function noticeKeyOf(endpointConfigName: string): string {
  return `no-last-good#${endpointConfigName}`;
}

/**
 * The deploy execution's name: deterministic per claim, so a retried or resumed attempt
 * starts the same execution (Step Functions refuses a second one with the same name), and
 * within the 80 characters Step Functions allows.
 */
export function executionNameOf(productionVersion: number, claimKey: string): string {
  return `rollback-v${productionVersion}-${createHash('sha256').update(claimKey).digest('hex').slice(0, 16)}`;
}

/**
 * The name of a later attempt at a claimed rollback, after the earlier execution ended without
 * succeeding: Step Functions keeps a name taken for 90 days, so each attempt needs its own.
 */
export function retryExecutionNameOf(executionName: string, attempt: number): string {
  return `${executionName}-attempt-${attempt}`;
}

/**
 * How Step Functions reports an execution (DescribeExecution `status`,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 * `PENDING_REDRIVE` means a redrive was asked for and is about to run it again.
 */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** An execution that ended without succeeding, and will not run again by itself. */
export function endedUnsuccessfully(status: ExecutionStatus | undefined): boolean {
  return status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED';
}

/** The ARN of a state machine's (standard) execution, as Step Functions forms it. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const match = /^(arn:[^:]+:states:[^:]+:\d{12}):stateMachine:([^:]+)$/.exec(stateMachineArn);
  if (!match) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  return `${match[1]}:execution:${match[2]}:${executionName}`;
}

/** The reason recorded in the registry and handed to the deploy workflow. */
export function rollbackReason(alarm: AlarmFacts): string {
  return `alarm ${alarm.alarmName} in ALARM: ${alarm.stateReason}`;
}

/** The deploy execution's input: last-good back in production, all at once. */
export function rollbackDeployInput(model: string, toVersion: number, reason: string): DeployInput {
  return { model, version: toVersion, strategy: 'all-at-once', rollback: true, reason, requestedBy: ROLLBACK_ACTOR };
}

/** An SNS notification: a one-line subject and a JSON message. */
export interface Notification {
  readonly subject: string;
  readonly message: string;
}

function subject(text: string): string {
  return text.slice(0, MAX_SUBJECT_LENGTH);
}

/** Told when the rollback's deploy execution has started. */
export function rollbackStartedNotification(input: {
  readonly model: string;
  readonly endpointName: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly alarm: AlarmFacts;
  readonly executionArn: string;
}): Notification {
  const { model, endpointName, fromVersion, toVersion, alarm, executionArn } = input;
  return {
    subject: subject(`Gantry: rolling back ${model} from v${fromVersion} to v${toVersion}`),
    message: JSON.stringify({
      event: 'RollbackStarted',
      model,
      endpointName,
      badVersion: fromVersion,
      lastGoodVersion: toVersion,
      alarmName: alarm.alarmName,
      alarmReason: alarm.stateReason,
      alarmAt: alarm.stateAt.toISOString(),
      executionArn,
      note: `Version ${fromVersion} is marked RolledBack; the deploy execution puts version ${toVersion} back in production.`,
    }),
  };
}

/** Told when an alarm fires but there is no last-good version to return to. */
export function noLastGoodNotification(input: {
  readonly model: string;
  readonly endpointName: string;
  readonly productionVersion: number;
  readonly alarm: AlarmFacts;
  readonly stateMachineArn: string;
}): Notification {
  const { model, endpointName, productionVersion, alarm, stateMachineArn } = input;
  return {
    subject: subject(`Gantry: ${model} alarm, no version to roll back to`),
    message: JSON.stringify({
      event: 'RollbackImpossible',
      model,
      endpointName,
      productionVersion,
      alarmName: alarm.alarmName,
      alarmReason: alarm.stateReason,
      alarmAt: alarm.stateAt.toISOString(),
      action: `Nothing was changed: version ${productionVersion} still serves and the registry has no last-good version. Investigate the alarm; to replace the version, deploy a known-good one with \`gantry deploy --model ${model} --version N\` (deploy workflow ${stateMachineArn}).`,
    }),
  };
}
