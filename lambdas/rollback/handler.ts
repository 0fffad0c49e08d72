import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { ENV } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { SageMakerEndpointReader } from '../adapters/sagemaker-endpoint';
import { SfnDeployStarter } from '../adapters/sfn-deploy-starter';
import { SfnExecutionReader } from '../adapters/sfn-execution-reader';
import { SnsNotifier } from '../adapters/sns-notifier';
import { modelNameSchema } from '../core/input/model-name';
import { rollBack, type RollbackPorts, type RollbackResult } from '../core/rollback/on-alarm';
import type { AlarmFacts } from '../core/rollback/rollback';
import { parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';

/**
 * Automatic rollback, invoked by a model's EventBridge rule when one of its endpoint alarms
 * changes state: the core's `rollBack` over the registry, SageMaker (DescribeEndpoint), Step
 * Functions (the deploy workflow: StartExecution, and DescribeExecution of an earlier rollback)
 * and SNS (the model's topic).
 */
export interface RollbackDeps {
  readonly registry: RollbackPorts['registry'];
  readonly sagemaker: SageMakerClient;
  readonly sfn: SFNClient;
  readonly sns: SNSClient;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
  /**
   * A claim without a started execution, older than this, is taken to be left by an attempt
   * that crashed between claiming and starting; the next attempt resumes it. Younger ones
   * belong to an attempt still running. @default DEFAULT_RESUME_AFTER_MS (60 s)
   */
  readonly resumeAfterMs?: number;
}

export { DEFAULT_RESUME_AFTER_MS, RegistryBehindEndpointError, type RollbackResult } from '../core/rollback/on-alarm';

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
  const ports: RollbackPorts = {
    registry: deps.registry,
    endpoints: new SageMakerEndpointReader(deps.sagemaker),
    deploys: new SfnDeployStarter(deps.sfn),
    executions: new SfnExecutionReader(deps.sfn),
    notifier: new SnsNotifier(deps.sns),
    log: logger,
    now: deps.now,
    resumeAfterMs: deps.resumeAfterMs,
  };
  return async (event) => {
    const input = parseEvent(eventSchema, event);
    return rollBack({ model: input.model, endpointName: input.endpointName, stateMachineArn: input.stateMachineArn, topicArn: input.topicArn, alarm: alarmFacts(input) }, ports);
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
