import { claimKeyOf, executionArnOf, executionNameOf, retryExecutionNameOf } from '../../lambdas/core/rollback/rollback';
import { artifactPrefix, driftReportKey, ENV } from '../../lib/contract';
import { dynamoTableArn, eventBusArn, sagemakerArn } from './arns';
import type { FunctionInvocation } from './function-invocations';
import { parseS3Uri, s3BucketArn, s3ObjectArn, type RequestSpec } from './requests';
import { SAMPLE } from './sample-run';

/*
 * What each Lambda handler sends with the AWS SDK, declared per SDK command: the IAM requests
 * one invocation makes, from its payload (as the templates build it) and its environment. A
 * command that the handler bundles but never sends says why. function-calls.test.ts checks
 * this against the code: every `XxxCommand` the handler's own source files import must be
 * declared here, and nothing else.
 */

export interface DeclaredCall {
  /** The SDK package, e.g. `@aws-sdk/client-s3` or `@aws-sdk/lib-dynamodb`. */
  readonly client: string;
  readonly command: string;
  /** The requests one invocation sends with this command. */
  readonly requests?: (invocation: FunctionInvocation) => RequestSpec[];
  /** Why the command is in the handler's bundle but never sent by it. */
  readonly notSent?: string;
}

const S3 = '@aws-sdk/client-s3';
const DOC = '@aws-sdk/lib-dynamodb';

const text = (invocation: FunctionInvocation, field: string): string => {
  const value = invocation.payload[field];
  if (typeof value !== 'string') throw new Error(`${invocation.origin} invokes ${invocation.handler} without a string ${field} (got ${JSON.stringify(value)})`);
  return value;
};

const variable = (invocation: FunctionInvocation, name: string): string => {
  const value = invocation.environment[name];
  if (value === undefined) throw new Error(`${invocation.handler} has no environment variable ${name}`);
  return value;
};

const partition = (invocation: FunctionInvocation) => invocation.env.partition;

/** Whether the deploy function is invoked for one of `actions`. */
const deployAction = (invocation: FunctionInvocation, ...actions: string[]): boolean => actions.includes(text(invocation, 'action'));

/** The registry table (from GANTRY_REGISTRY_TABLE). */
const registry = (invocation: FunctionInvocation, ...actions: string[]): RequestSpec[] => {
  const table = dynamoTableArn(invocation.env, variable(invocation, ENV.registryTable));
  return actions.map((action) => ({ action, resource: table }));
};

/** ListObjectsV2 of a data URI: a prefix (`…/`) is listed as is, a key as `key/` (s3-objects' scanDataObjects). */
function listData(invocation: FunctionInvocation, uri: string): RequestSpec {
  const { bucket, key } = parseS3Uri(uri);
  return { action: 's3:ListBucket', resource: s3BucketArn(bucket, partition(invocation)), context: { 's3:prefix': key === '' || key.endsWith('/') ? key : `${key}/` } };
}

/** An object under a data URI (what a listing returns). */
function dataObject(invocation: FunctionInvocation, uri: string): string {
  const { bucket, key } = parseS3Uri(uri);
  return s3ObjectArn(bucket, key.endsWith('/') || key === '' ? `${key}part-00000.csv` : key, partition(invocation));
}

const getObject = (invocation: FunctionInvocation, uri: string): RequestSpec => {
  const { bucket, key } = parseS3Uri(uri);
  return { action: 's3:GetObject', resource: s3ObjectArn(bucket, key, partition(invocation)) };
};

const registryReads = (why: string): DeclaredCall[] => [
  // DynamoRegistry's reads: the model's state (Query on the table) and items by key (GetItem).
  { client: DOC, command: 'QueryCommand', requests: (i) => registry(i, 'dynamodb:Query') },
  { client: DOC, command: 'GetCommand', requests: (i) => registry(i, 'dynamodb:GetItem') },
  { client: DOC, command: 'TransactWriteCommand', notSent: why },
  { client: DOC, command: 'UpdateCommand', notSent: why },
];

/** TransactWriteItems is authorized per item: PutItem, UpdateItem, DeleteItem, ConditionCheckItem. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html */
const transactWrite = (...actions: string[]): DeclaredCall => ({ client: DOC, command: 'TransactWriteCommand', requests: (i) => registry(i, ...actions) });

const markClaimStartedOnly: DeclaredCall = {
  client: DOC,
  command: 'UpdateCommand',
  notSent: 'UpdateCommand is DynamoRegistry.markClaimStarted and markClaimNotified, which only the rollback handler calls',
};

/** By handler folder. A handler using DynamoRegistry bundles all of its commands, sent or not. */
export const FUNCTION_CALLS: Readonly<Record<string, readonly DeclaredCall[]>> = {
  register: [
    { client: DOC, command: 'QueryCommand', requests: (i) => registry(i, 'dynamodb:Query') },
    { client: DOC, command: 'GetCommand', requests: (i) => registry(i, 'dynamodb:GetItem') },
    // register: the version and its event (Put), the model's sequence (Update); approve: the status (Update).
    transactWrite('dynamodb:PutItem', 'dynamodb:UpdateItem'),
    markClaimStartedOnly,
  ],
  'record-event': [
    { client: DOC, command: 'QueryCommand', requests: (i) => registry(i, 'dynamodb:Query') },
    { client: DOC, command: 'GetCommand', requests: (i) => registry(i, 'dynamodb:GetItem') },
    // recordFailure: the event (Put) and the model's sequence (Update).
    transactWrite('dynamodb:PutItem', 'dynamodb:UpdateItem'),
    markClaimStartedOnly,
  ],
  gate: registryReads("the gate's registry port is Pick<Registry, 'pointers' | 'getVersion'>: reads only"),
  'validate-data': [
    // scanDataObjects: HEAD of an exact key, else a listing of key/; inspectData heads the objects it pins.
    { client: S3, command: 'ListObjectsV2Command', requests: (i) => [listData(i, text(i, 'dataUri'))] },
    { client: S3, command: 'HeadObjectCommand', requests: (i) => [{ action: 's3:GetObject', resource: dataObject(i, text(i, 'dataUri')), metadataOnly: true }] },
    { client: S3, command: 'GetObjectCommand', notSent: "s3-objects' objectLines, which validate-data never calls: it lists and heads, never reads" },
  ],
  evaluate: [
    { client: S3, command: 'GetObjectCommand', requests: (i) => [getObject(i, text(i, 'outputUri'))] },
    { client: S3, command: 'ListObjectsV2Command', notSent: "bundled with s3-objects (for parseS3Uri); readTarGzMember only gets the one object" },
    { client: S3, command: 'HeadObjectCommand', notSent: "bundled with s3-objects (for parseS3Uri); readTarGzMember only gets the one object" },
  ],
  baseline: [
    { client: S3, command: 'ListObjectsV2Command', requests: (i) => [listData(i, text(i, 'dataUri'))] },
    {
      client: S3,
      command: 'HeadObjectCommand',
      // scanDataObjects heads an exact key only; the pipeline passes a prefix.
      requests: (i) => (text(i, 'dataUri').endsWith('/') ? [] : [{ action: 's3:GetObject', resource: dataObject(i, text(i, 'dataUri')), metadataOnly: true }]),
    },
    { client: S3, command: 'GetObjectCommand', requests: (i) => [{ action: 's3:GetObject', resource: dataObject(i, text(i, 'dataUri')) }, ...(typeof i.payload.outputUri === 'string' ? [getObject(i, i.payload.outputUri)] : [])] },
    { client: S3, command: 'PutObjectCommand', requests: (i) => [{ ...getObject(i, text(i, 'baselineUri')), action: 's3:PutObject' }] },
  ],
  deploy: [
    { client: DOC, command: 'QueryCommand', requests: (i) => registry(i, 'dynamodb:Query') },
    // record also reads back the event a claim stands for.
    { client: DOC, command: 'GetCommand', requests: (i) => registry(i, 'dynamodb:GetItem') },
    // complete: promote (status Updates, pointer Put, event Put, a ConditionCheck on a rolled-back
    // version) or rollback (also the last-good pointer's Delete). record: the claim and the event (Put), the sequence (Update).
    transactWrite('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'),
    markClaimStartedOnly,
    {
      client: '@aws-sdk/client-sagemaker',
      command: 'DescribeEndpointCommand',
      // prepare reads the endpoint; probe polls it while a Failed one is deleted.
      requests: (i) => (deployAction(i, 'prepare', 'probe') ? [{ action: 'sagemaker:DescribeEndpoint', resource: sagemakerArn(i.env, 'endpoint', text(i, 'endpointName')) }] : []),
    },
    {
      client: '@aws-sdk/client-sagemaker',
      command: 'DescribeEndpointConfigCommand',
      // prepare reads the config in service, named <endpoint>-v<version>-<id>.
      requests: (i) => (deployAction(i, 'prepare') ? [{ action: 'sagemaker:DescribeEndpointConfig', resource: sagemakerArn(i.env, 'endpoint-config', `${text(i, 'endpointName')}-v${SAMPLE.previousVersion}-0f9e8d7c`) }] : []),
    },
    {
      client: '@aws-sdk/client-sagemaker',
      command: 'ListTagsCommand',
      // prepare reads a Failed endpoint's tags: who created it.
      requests: (i) => (deployAction(i, 'prepare') ? [{ action: 'sagemaker:ListTags', resource: sagemakerArn(i.env, 'endpoint', text(i, 'endpointName')) }] : []),
    },
  ],
  rollback: [
    { client: DOC, command: 'QueryCommand', requests: (i) => registry(i, 'dynamodb:Query') },
    { client: DOC, command: 'GetCommand', requests: (i) => registry(i, 'dynamodb:GetItem') },
    // markRolledBack: the claim (Put), the version's status (Update), the event; a ConditionCheck on the claim's
    // deployment. retakeClaim: the claim (Put), ConditionChecks on the version and the pointer. claimNotice: the claim (Put).
    transactWrite('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'),
    { client: DOC, command: 'UpdateCommand', requests: (i) => registry(i, 'dynamodb:UpdateItem') },
    { client: '@aws-sdk/client-sagemaker', command: 'DescribeEndpointCommand', requests: (i) => [{ action: 'sagemaker:DescribeEndpoint', resource: sagemakerArn(i.env, 'endpoint', text(i, 'endpointName')) }] },
    { client: '@aws-sdk/client-sagemaker', command: 'ListTagsCommand', notSent: "the sagemaker-endpoint adapter's listTags, which only the deploy handler calls" },
    { client: '@aws-sdk/client-sfn', command: 'StartExecutionCommand', requests: (i) => [{ action: 'states:StartExecution', resource: text(i, 'stateMachineArn') }] },
    {
      client: '@aws-sdk/client-sfn',
      command: 'DescribeExecutionCommand',
      // A duplicate alarm asks how the claimed rollback's execution (of the same workflow) went.
      requests: (i) => [{ action: 'states:DescribeExecution', resource: executionArnOf(text(i, 'stateMachineArn'), retryExecutionNameOf(executionNameOf(SAMPLE.version, claimKeyOf(`${text(i, 'endpointName')}-v${SAMPLE.version}-0a1b2c3d`)), 2)) }],
    },
    { client: '@aws-sdk/client-sns', command: 'PublishCommand', requests: (i) => [{ action: 'sns:Publish', resource: text(i, 'topicArn') }] },
  ],
  drift: [
    ...registryReads("the drift check's registry port is Pick<Registry, 'pointers' | 'getVersion'>: reads only"),
    {
      client: S3,
      command: 'ListObjectsV2Command',
      // The window's capture hours, <endpoint>/<variant>/yyyy/mm/dd/hh/ (captureHourPrefixes).
      requests: (i) => [{ action: 's3:ListBucket', resource: s3BucketArn(variable(i, ENV.captureBucket), i.env.partition), context: { 's3:prefix': `${text(i, 'endpointName')}/primary/${SAMPLE.now.toISOString().slice(0, 13).replace(/[-T]/g, '/')}/` } }],
    },
    { client: S3, command: 'HeadObjectCommand', notSent: 'scanDataObjects heads exact keys only; the drift check scans hour prefixes ending in /' },
    {
      client: S3,
      command: 'GetObjectCommand',
      requests: (i) => {
        const model = text(i, 'model');
        const artifacts = variable(i, ENV.artifactsBucket);
        return [
          { action: 's3:GetObject', resource: s3ObjectArn(variable(i, ENV.captureBucket), `${text(i, 'endpointName')}/primary/${SAMPLE.now.toISOString().slice(0, 13).replace(/[-T]/g, '/')}/20-00-000-${SAMPLE.uuid}.jsonl`, i.env.partition) },
          // The production version's baseline, as registered by the training pipeline.
          { action: 's3:GetObject', resource: s3ObjectArn(artifacts, `${artifactPrefix('baselines', model)}${SAMPLE.runId}.json`, i.env.partition) },
          // Earlier windows' reports, read when the current window drifted.
          { action: 's3:GetObject', resource: s3ObjectArn(artifacts, driftReportKey(model, '2026-01-15T09-45Z'), i.env.partition) },
        ];
      },
    },
    { client: S3, command: 'PutObjectCommand', requests: (i) => [{ action: 's3:PutObject', resource: s3ObjectArn(variable(i, ENV.artifactsBucket), driftReportKey(text(i, 'model'), '2026-01-15T10-00Z'), i.env.partition) }] },
    { client: '@aws-sdk/client-eventbridge', command: 'PutEventsCommand', requests: (i) => [{ action: 'events:PutEvents', resource: eventBusArn(i.env, 'default') }] },
  ],
};
