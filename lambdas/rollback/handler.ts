import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeEndpointIfExists } from '../adapters/sagemaker-endpoint';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { ENV } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import {
  assessAlarm,
  assessEndpoint,
  claimKeyOf,
  decideRollback,
  executionArnOf,
  executionNameOf,
  noLastGoodNotification,
  ROLLBACK_ACTOR,
  rollbackDeployInput,
  rollbackReason,
  rollbackStartedNotification,
  type AlarmFacts,
  type EndpointFacts,
  type Notification,
} from '../core/rollback/rollback';
import { AlreadyClaimedError, UnknownModelError, type ClaimRecord, type Pointers, type Registry } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';

/**
 * Automatic rollback, invoked by a model's EventBridge rule when one of its endpoint alarms
 * changes state. After baking (SageMaker's guardrails own the alarms while a deployment
 * bakes), an alarm in ALARM marks the production version RolledBack and starts the model's
 * deploy workflow with the last-good version, then notifies the model's topic. One claim per
 * deployment (endpoint config) makes duplicates and retries safe: only the first alarm event
 * about a deployment starts anything.
 */
export interface RollbackDeps {
  readonly registry: Pick<Registry, 'pointers' | 'markRolledBack' | 'markClaimStarted'>;
  readonly sagemaker: SageMakerClient;
  readonly sfn: SFNClient;
  readonly sns: SNSClient;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * A claim without a started execution, older than this, is taken to be left by an attempt
   * that crashed between claiming and starting; the next attempt resumes it. Younger ones
   * belong to an attempt still running. @default 60_000
   */
  readonly resumeAfterMs?: number;
}

export const DEFAULT_RESUME_AFTER_MS = 60_000;

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

const timestamp = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 timestamp'));
const nonEmpty = () => z.string().check(z.minLength(1, 'must not be empty'));

// The alarm event is AWS's: extra fields (configuration, previousState, ...) are expected and
// left alone, so these objects are not strict.
const alarmSchema = z.object({
  id: nonEmpty(),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  time: timestamp,
  detail: z.object({
    alarmName: nonEmpty(),
    state: z.object({ value: nonEmpty(), reason: z.string(), timestamp }),
  }),
});

const eventSchema = z
  .strictObject({
    model: modelNameSchema,
    endpointName: z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name')),
    stateMachineArn: z.string().check(z.regex(/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]{1,80}$/, 'must be a Step Functions state machine ARN')),
    topicArn: z.string().check(z.regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN')),
    alarm: alarmSchema,
  })
  .check(
    z.refine((e) => e.alarm.detail.alarmName.startsWith(`${e.endpointName}-`), {
      message: "must start with the endpoint's name and a hyphen",
      path: ['alarm', 'detail', 'alarmName'],
    }),
  );

type RollbackInput = z.output<typeof eventSchema>;

export function makeHandler(deps: RollbackDeps): (event: unknown) => Promise<RollbackResult> {
  const now = deps.now ?? (() => new Date());
  const resumeAfterMs = deps.resumeAfterMs ?? DEFAULT_RESUME_AFTER_MS;

  return async (event) => {
    const input = parseEvent(eventSchema, event);
    const { model, endpointName } = input;
    const alarm = alarmFacts(input);
    const log = { model, endpointName, alarmName: alarm.alarmName, eventId: alarm.eventId };
    const notAlarm = assessAlarm(alarm);
    if (notAlarm) return ignored(log, notAlarm.reason);

    const endpoint = await describeEndpoint(deps.sagemaker, endpointName);
    if (!endpoint) return ignored(log, `endpoint ${endpointName} does not exist`);
    const blocked = assessEndpoint(alarm, endpoint);
    if (blocked) return ignored({ ...log, endpointStatus: endpoint.status, endpointConfigName: endpoint.endpointConfigName }, blocked.reason);

    const decision = decideRollback(endpoint, await pointersOf(deps.registry, model));
    if (decision.action === 'ignore') return ignored(log, decision.reason);
    if (decision.action === 'retry') throw new RegistryBehindEndpointError(model, decision.reason);
    if (decision.action === 'notify-no-last-good') {
      const { productionVersion } = decision;
      await publish(deps.sns, input.topicArn, noLastGoodNotification({ model, endpointName, productionVersion, alarm, stateMachineArn: input.stateMachineArn }));
      logger.warn('alarm with no last-good version: notified, nothing changed', { ...log, productionVersion });
      return { action: 'no-last-good', productionVersion };
    }

    const key = claimKeyOf(endpoint.endpointConfigName);
    const reason = rollbackReason(alarm);
    let executionName = executionNameOf(decision.fromVersion, key);
    let outcome: 'started' | 'resumed' = 'started';
    try {
      await deps.registry.markRolledBack(model, decision.fromVersion, ROLLBACK_ACTOR, reason, {
        key,
        executionName,
        details: { alarmName: alarm.alarmName, eventId: alarm.eventId, eventTime: alarm.eventTime, alarmAt: alarm.stateAt.toISOString(), toVersion: decision.toVersion },
      });
    } catch (error) {
      if (!(error instanceof AlreadyClaimedError)) throw error;
      const { claim } = error;
      if (!resumable(claim, now(), resumeAfterMs)) {
        logger.info('duplicate alarm: the deployment is already being rolled back', { ...log, key, claimedAt: claim.createdAt, executionArn: claim.executionArn });
        return { action: 'duplicate', key, ...(claim.executionArn !== undefined ? { executionArn: claim.executionArn } : {}) };
      }
      logger.warn('resuming a rollback whose execution was never started', { ...log, key, claimedAt: claim.createdAt });
      executionName = claim.executionName;
      outcome = 'resumed';
    }

    const executionArn = await startExecution(deps.sfn, input.stateMachineArn, executionName, rollbackDeployInput(model, decision.toVersion, reason));
    // Notified before the claim records the start: a crash in between resumes, and so
    // notifies again, rather than leaving a rollback nobody was told about.
    await publish(deps.sns, input.topicArn, rollbackStartedNotification({ model, endpointName, fromVersion: decision.fromVersion, toVersion: decision.toVersion, alarm, executionArn }));
    await deps.registry.markClaimStarted(model, key, executionArn);
    logger.info(`rollback ${outcome}`, { ...log, key, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion });
    return { action: outcome, executionArn, fromVersion: decision.fromVersion, toVersion: decision.toVersion };
  };
}

function alarmFacts(input: RollbackInput): AlarmFacts {
  const { id, time, detail } = input.alarm;
  return {
    alarmName: detail.alarmName,
    state: detail.state.value,
    stateReason: detail.state.reason,
    stateAt: new Date(detail.state.timestamp),
    eventId: id,
    eventTime: time,
  };
}

function ignored(log: Record<string, unknown>, reason: string): RollbackResult {
  logger.info('alarm ignored', { ...log, reason });
  return { action: 'ignored', reason };
}

/** A claim nobody will finish: never started, and older than any attempt still running. */
function resumable(claim: ClaimRecord, now: Date, resumeAfterMs: number): boolean {
  return claim.executionArn === undefined && now.getTime() - Date.parse(claim.createdAt) >= resumeAfterMs;
}

/** The endpoint, or undefined when it does not exist (deleted, or never deployed). */
async function describeEndpoint(sagemaker: SageMakerClient, endpointName: string): Promise<EndpointFacts | undefined> {
  const output = await describeEndpointIfExists(sagemaker, endpointName);
  if (output === undefined) return undefined;
  if (!output.EndpointStatus || !output.EndpointConfigName || !output.LastModifiedTime) {
    throw new Error(`DescribeEndpoint ${endpointName} returned no status, endpoint config or last-modified time`);
  }
  return {
    endpointName,
    status: output.EndpointStatus,
    endpointConfigName: output.EndpointConfigName,
    lastModifiedTime: output.LastModifiedTime,
    pendingDeployment: output.PendingDeploymentSummary !== undefined,
  };
}

/** The model's pointers; none for a model the registry does not know. */
async function pointersOf(registry: RollbackDeps['registry'], model: string): Promise<Pointers> {
  try {
    return await registry.pointers(model);
  } catch (error) {
    if (error instanceof UnknownModelError) return {};
    throw error;
  }
}

/** Starts the execution; one already started under this name (an earlier attempt) counts as started. */
async function startExecution(sfn: SFNClient, stateMachineArn: string, name: string, input: object): Promise<string> {
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    if (!executionArn) throw new Error(`StartExecution ${name} returned no execution ARN`);
    return executionArn;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
    return executionArnOf(stateMachineArn, name);
  }
}

async function publish(sns: SNSClient, topicArn: string, notification: Notification): Promise<void> {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notification.subject, Message: notification.message }));
}

function defaultDeps(): RollbackDeps {
  const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return {
    registry: new DynamoRegistry({ client: dynamo, tableName: requireEnv(ENV.registryTable) }),
    sagemaker: tracer.captureAWSv3Client(new SageMakerClient({})),
    sfn: tracer.captureAWSv3Client(new SFNClient({})),
    sns: tracer.captureAWSv3Client(new SNSClient({})),
  };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
