import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/*
 * The states every Gantry workflow shares: retries of transient errors, Lambda tasks, and the
 * failure path that records a failure in the registry and notifies the model's topic.
 */

/**
 * SageMaker errors worth retrying, throttling and transient service faults, as each kind of
 * integration names them. The AWS SDK integration (`aws-sdk:sagemaker:*`) names an error
 * `SageMaker.` + its exception name, always ending in `Exception`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
export const TRANSIENT_SAGEMAKER_SDK_ERRORS = ['SageMaker.ThrottlingException', 'SageMaker.InternalFailureException', 'SageMaker.ServiceUnavailableException'];
/**
 * The optimized integration (`sagemaker:*`) reports every SageMaker API error, a throttle
 * included, as `SageMaker.AmazonSageMakerException`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html), so its retry
 * cannot tell a throttle from a refusal: it retries that name a few times only. A job that ran
 * and failed is `States.TaskFailed` and is never retried.
 */
export const TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS = ['SageMaker.AmazonSageMakerException'];
export const TRANSIENT_LAMBDA_ERRORS = ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];
export const TRANSIENT_SNS_ERRORS = ['SNS.ThrottledException', 'SNS.InternalErrorException'];
export const RETRY = { interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL };
/** Fewer attempts where the error name may also mean a refusal (TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS). */
export const OPTIMIZED_SAGEMAKER_RETRY = { ...RETRY, maxAttempts: 3 };

/** A Lambda task with Gantry's retries: the function's result (payload only) lands at `resultPath`. */
export function invokeFunction(scope: Construct, id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath,
  });
  task.addRetry({ ...RETRY, errors: TRANSIENT_LAMBDA_ERRORS });
  return task;
}

export interface FailurePathProps {
  readonly model: string;
  readonly topic: sns.ITopic;
  /** The record-event function. */
  readonly recordEvent: lambda.IFunction;
  /** Subject of the notification. */
  readonly subject: string;
  /** Id of the final Fail state. */
  readonly failId: string;
  /** More fields of the record-event payload, e.g. the version the run was about. */
  readonly recordExtra?: Record<string, unknown>;
}

/**
 * Record the caught error (`$.error`) in the registry, notify the topic, fail. A registry
 * outage must not swallow the notification, so a failed record still notifies.
 */
export class FailurePath {
  /** The first state: catch errors into it with `catchInto`. */
  public readonly start: sfn.IChainable;
  private readonly record: tasks.LambdaInvoke;

  constructor(scope: Construct, props: FailurePathProps) {
    const failed = new sfn.Fail(scope, props.failId, { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    const notify = new tasks.SnsPublish(scope, 'NotifyFailure', {
      topic: props.topic,
      subject: props.subject,
      message: sfn.TaskInput.fromObject({
        model: props.model,
        execution: sfn.JsonPath.executionId,
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.error.Cause'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notify.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
    // A notification that cannot be sent must not replace the error it was about: the run
    // still fails with the original error at $.error.
    notify.addCatch(failed, { resultPath: '$.notifyError' });
    notify.next(failed);
    this.record = invokeFunction(
      scope,
      'RecordFailure',
      props.recordEvent,
      {
        model: props.model,
        type: 'Failed',
        reason: sfn.JsonPath.stringAt('$.error.Error'),
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.error.Cause'),
        executionArn: sfn.JsonPath.executionId,
        ...props.recordExtra,
      },
      sfn.JsonPath.DISCARD,
    );
    this.record.addCatch(notify, { resultPath: '$.recordError' });
    this.record.next(notify);
    this.start = this.record;
  }

  /** Sends every error of `state` (after its retries) down this path, the error at `$.error`. */
  catchInto(state: sfn.TaskStateBase | sfn.CustomState): void {
    state.addCatch(this.record, { resultPath: '$.error' });
  }
}

/**
 * Lets a state machine publish to an encrypted topic. The SnsPublish task grants `sns:Publish`
 * only; SNS encrypts each message with the topic's key as the publisher, so the publisher also
 * needs `kms:GenerateDataKey` and `kms:Decrypt` on it
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
export function grantPublishToEncryptedTopic(topic: sns.ITopic, grantee: iam.IGrantable): void {
  topic.masterKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/**
 * The log group of a state machine's execution logs. Under `/aws/vendedlogs/states/`, CloudWatch
 * Logs needs no resource-policy statement per log group: otherwise each one grows the account's
 * CloudWatch Logs resource policy, which is limited to 5,120 characters
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
 */
export function stateMachineLogGroupName(stateMachineName: string): string {
  return `/aws/vendedlogs/states/${stateMachineName}`;
}
