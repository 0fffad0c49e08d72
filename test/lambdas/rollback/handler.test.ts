import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointCommand, SageMakerClient, SageMakerServiceException, type DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import type { RegisterInput } from '../../../lambdas/core/registry/model';
import { handler, makeHandler, RegistryBehindEndpointError, type RollbackDeps, type RollbackResult } from '../../../lambdas/rollback/handler';
import { type DeployInput, deploymentResourceName, ENV, type RollbackEvent } from '../../../lib/contract';
import { localRegistryTable } from '../../support/local-data';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const deployedAt = new Date('2026-03-01T10:00:00.000Z');
const alarmAt = '2026-03-01T10:30:00.123+0000';
const T0 = new Date('2026-03-01T10:30:05.000Z');

function lineage(model: string, n: number): RegisterInput {
  return {
    model,
    artifactUri: `s3://gantry-artifacts/${model}/${n}/model.tar.gz`,
    imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
    metrics: { auc: 0.8 },
    hyperparameters: {},
    dataInputs: [],
    createdBy: 'test',
  };
}

/** The EventBridge event CloudWatch sends when an alarm changes state, as documented. */
/** SNS refuses the first publish with a server error (a retryable one), then accepts. */
function publishFailsOnce(sns: AwsClientStub<SNSClient>): void {
  sns
    .on(PublishCommand)
    .rejectsOnce(new SNSServiceException({ name: 'InternalErrorException', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'Internal error' }))
    .resolves({ MessageId: 'm-2' });
}

function alarmEvent(alarmName: string, options: { id?: string; state?: string; timestamp?: string } = {}): Record<string, unknown> {
  return {
    version: '0',
    id: options.id ?? 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-03-01T10:30:01Z',
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: {
        value: options.state ?? 'ALARM',
        reason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (500.0).',
        reasonData: '{"version":"1.0","queryDate":"2026-03-01T10:30:00.118+0000","statistic":"p99","period":60,"threshold":500.0}',
        timestamp: options.timestamp ?? alarmAt,
      },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-03-01T10:01:00.000+0000' },
      configuration: {
        description: 'p99 model latency',
        metrics: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/SageMaker', name: 'ModelLatency', dimensions: { EndpointName: 'x', VariantName: 'primary' } }, period: 60, stat: 'p99' }, returnData: true }],
      },
    },
  };
}

describe('rollback handler', () => {
  let client: DynamoDBClient;
  let tableName: string;
  let clock: Date;
  let registry: DynamoRegistry;
  let sagemaker: AwsClientStub<SageMakerClient>;
  let sfn: AwsClientStub<SFNClient>;
  let sns: AwsClientStub<SNSClient>;
  let deps: RollbackDeps;
  let counter = 0;

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
  });

  beforeEach(() => {
    clock = T0;
    registry = new DynamoRegistry({ client, tableName, now: () => clock });
    const clients = { sagemaker: new SageMakerClient({ region: REGION }), sfn: new SFNClient({ region: REGION }), sns: new SNSClient({ region: REGION }) };
    sagemaker = mockClient(clients.sagemaker);
    sfn = mockClient(clients.sfn);
    sns = mockClient(clients.sns);
    deps = { registry, ...clients, now: () => clock };
  });

  afterEach(() => {
    sagemaker.restore();
    sfn.restore();
    sns.restore();
  });

  /** A model of its own, with names derived from it as the model stack derives them. */
  function names() {
    const model = `churn-${++counter}`;
    const endpointName = `gantry-prod-${model}`;
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${endpointName}-deploy`;
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${endpointName}-alerts`;
    const event = (alarmName = `${endpointName}-latency-p99`, options: Parameters<typeof alarmEvent>[1] = {}): RollbackEvent => ({ model, endpointName, stateMachineArn, topicArn, alarm: alarmEvent(alarmName, options) });
    return { model, endpointName, stateMachineArn, topicArn, event };
  }

  /** Versions 1..`versions` approved, and 1..`promoted` promoted in order. */
  async function seed(model: string, versions: number, promoted: number): Promise<void> {
    for (let v = 1; v <= versions; v++) {
      await registry.register(lineage(model, v));
      await registry.approve(model, v, 'reviewer');
    }
    for (let v = 1; v <= promoted; v++) await registry.promote(model, v, 'deployer');
  }

  /** Every stored item of a model: proves that an ignored alarm wrote nothing. */
  async function itemsOf(model: string): Promise<unknown[]> {
    const { Items } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `MODEL#${model}` } }, ConsistentRead: true }));
    return Items ?? [];
  }

  function serving(endpointName: string, version: number, overrides: Partial<DescribeEndpointOutput> = {}): DescribeEndpointOutput {
    return {
      EndpointName: endpointName,
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}`,
      EndpointConfigName: deploymentResourceName(endpointName, version, '1a2b3c4d'),
      EndpointStatus: 'InService',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      LastModifiedTime: deployedAt,
      ...overrides,
    };
  }

  const expectedName = (version: number, configName: string) => `rollback-v${version}-${createHash('sha256').update(`rollback#${configName}`).digest('hex').slice(0, 16)}`;
  const reasonOf = (alarmName: string) => `alarm ${alarmName} in ALARM: Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (500.0).`;
  // The requests sent, in order: each is asserted in full.
  const describeInputs = () => sagemaker.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input);
  const startInputs = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
  const publishInputs = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const describeExecutionInputs = () => sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input);
  /** DescribeExecution's answer for a rollback execution, as documented (only the fields read matter). */
  const execution = (executionArn: string, stateMachineArn: string, status: 'RUNNING' | 'FAILED' | 'TIMED_OUT' | 'ABORTED') => ({ executionArn, stateMachineArn, status, startDate: T0 });

  function expectNothingSent(): void {
    expect(sfn.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  }

  it('rolls back once for 100 concurrent deliveries of one alarm: one claim, one execution, one notification', async () => {
    const { model, endpointName, stateMachineArn, topicArn, event } = names();
    await seed(model, 3, 3);
    const configName = deploymentResourceName(endpointName, 3, '1a2b3c4d');
    const name = expectedName(3, configName);
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}`;
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 3));
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: T0 });
    // Deliveries that find the claim started ask how its execution goes.
    sfn.on(DescribeExecutionCommand).resolves(execution(executionArn, stateMachineArn, 'RUNNING'));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const historyBefore = await registry.history(model);

    const results = await Promise.all(Array.from({ length: 100 }, () => makeHandler(deps)(event())));

    const started = results.filter((r) => r.action === 'started');
    expect(started).toEqual([{ action: 'started', executionArn, fromVersion: 3, toVersion: 2 }]);
    expect(results.filter((r) => r.action === 'duplicate')).toHaveLength(99);
    expect(describeInputs()).toEqual(Array.from({ length: 100 }, () => ({ EndpointName: endpointName })));
    const reason = reasonOf(`${endpointName}-latency-p99`);
    const deployInput: DeployInput = { model, version: 2, strategy: 'all-at-once', rollback: true, reason, requestedBy: 'gantry-rollback' };
    expect(startInputs()).toEqual([{ stateMachineArn, name, input: JSON.stringify(deployInput) }]);
    expect(new Set(describeExecutionInputs().map((i) => i.executionArn))).toEqual(describeExecutionInputs().length === 0 ? new Set() : new Set([executionArn]));
    expect(publishInputs()).toEqual([
      {
        TopicArn: topicArn,
        Subject: `Gantry: rolling back ${model} from v3 to v2`,
        Message: JSON.stringify({
          event: 'RollbackStarted',
          model,
          endpointName,
          badVersion: 3,
          lastGoodVersion: 2,
          alarmName: `${endpointName}-latency-p99`,
          alarmReason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (500.0).',
          alarmAt: '2026-03-01T10:30:00.123Z',
          executionArn,
          note: 'Version 3 is marked RolledBack; the deploy execution puts version 2 back in production.',
        }),
      },
    ]);

    const details = { alarmName: `${endpointName}-latency-p99`, eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92', eventTime: '2026-03-01T10:30:01Z', alarmAt: '2026-03-01T10:30:00.123Z', toVersion: 2 };
    expect(await registry.history(model)).toEqual([
      ...historyBefore,
      { model, seq: historyBefore.length + 1, type: 'RollbackStarted', at: T0.toISOString(), actor: 'gantry-rollback', version: 3, reason, details },
    ]);
    expect(await registry.getVersion(model, 3)).toMatchObject({ status: 'RolledBack', statusReason: reason });
    // The endpoint serves version 3 until the deploy workflow has put version 2 back.
    expect(await registry.pointers(model)).toEqual({ production: 3, lastGood: 2 });
    expect(await registry.getClaim(model, `rollback#${configName}`)).toEqual({
      model,
      key: `rollback#${configName}`,
      version: 3,
      createdAt: T0.toISOString(),
      executionName: name,
      executionArn,
      startedAt: T0.toISOString(),
      details,
    });
  });

  it('treats a second, different alarm about the same deployment as a duplicate', async () => {
    const { model, endpointName, stateMachineArn, event } = names();
    await seed(model, 2, 2);
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${expectedName(2, deploymentResourceName(endpointName, 2, '1a2b3c4d'))}`;
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: T0 });
    sfn.on(DescribeExecutionCommand).resolves(execution(executionArn, stateMachineArn, 'RUNNING'));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await expect(makeHandler(deps)(event())).resolves.toMatchObject({ action: 'started', executionArn });
    const items = await itemsOf(model);

    clock = new Date(T0.getTime() + 5 * 60_000);
    const second = await makeHandler(deps)(event(`${endpointName}-5xx`, { id: 'another-event', timestamp: '2026-03-01T10:34:00.000+0000' }));

    expect(second).toEqual({ action: 'duplicate', key: `rollback#${deploymentResourceName(endpointName, 2, '1a2b3c4d')}`, executionArn });
    expect(describeExecutionInputs()).toEqual([{ executionArn }]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(await itemsOf(model)).toEqual(items);
  });

  it.each<[string, Partial<DescribeEndpointOutput>]>([
    ['Updating', { EndpointStatus: 'Updating' }],
    [
      'InService with a pending deployment',
      { PendingDeploymentSummary: { EndpointConfigName: 'gantry-prod-next-v4-0badc0de', StartTime: new Date('2026-03-01T10:20:00Z'), ProductionVariants: [{ VariantName: 'primary' }] } },
    ],
  ])('leaves an alarm during a bake (%s) to SageMaker guardrails: no registry write, no execution, no notification', async (_name, overrides) => {
    const { model, endpointName, event } = names();
    await seed(model, 2, 2);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2, overrides));
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'ignored', reason: 'deployment in progress' });
    expect(describeInputs()).toEqual([{ EndpointName: endpointName }]);
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it('notifies once per deployment when there is no last-good version, however often the alarm repeats, and changes no version or pointer', async () => {
    const { model, endpointName, stateMachineArn, topicArn, event } = names();
    await seed(model, 1, 1);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 1));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const [history, pointers, versions] = await Promise.all([registry.history(model), registry.pointers(model), registry.listVersions(model)]);

    const results = await Promise.all(Array.from({ length: 10 }, () => makeHandler(deps)(event())));
    // The same alarm again ten minutes later (it went back to OK and fired again), and another alarm.
    clock = new Date(T0.getTime() + 10 * 60_000);
    results.push(await makeHandler(deps)(event(undefined, { id: 'later', timestamp: '2026-03-01T10:40:00.000+0000' })));
    results.push(await makeHandler(deps)(event(`${endpointName}-5xx`, { id: 'other', timestamp: '2026-03-01T10:40:00.000+0000' })));

    expect(results.filter((r) => r.action === 'no-last-good' && r.notified)).toHaveLength(1);
    expect(results).toEqual(expect.arrayContaining([{ action: 'no-last-good', productionVersion: 1, notified: false }]));
    expect(results.every((r) => r.action === 'no-last-good')).toBe(true);
    expect(publishInputs()).toEqual([
      {
        TopicArn: topicArn,
        Subject: `Gantry: ${model} alarm, no version to roll back to`,
        Message: JSON.stringify({
          event: 'RollbackImpossible',
          model,
          endpointName,
          productionVersion: 1,
          alarmName: `${endpointName}-latency-p99`,
          alarmReason: 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold (500.0).',
          alarmAt: '2026-03-01T10:30:00.123Z',
          action: `Nothing was changed: version 1 still serves and the registry has no last-good version. Investigate the alarm; to replace the version, deploy a known-good one with \`gantry deploy --model ${model} --version N\` (deploy workflow ${stateMachineArn}).`,
        }),
      },
    ]);
    expect(sfn.calls()).toHaveLength(0);
    // The history tells it once; versions and pointers are as they were.
    const configName = deploymentResourceName(endpointName, 1, '1a2b3c4d');
    const details = { alarmName: `${endpointName}-latency-p99`, eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92', alarmAt: '2026-03-01T10:30:00.123Z', endpointConfigName: configName };
    expect(await registry.history(model)).toEqual([
      ...history,
      { model, seq: history.length + 1, type: 'Failed', at: T0.toISOString(), actor: 'gantry-rollback', version: 1, reason: `${reasonOf(`${endpointName}-latency-p99`)}; no last-good version to roll back to`, details },
    ]);
    expect(await registry.pointers(model)).toEqual(pointers);
    expect(await registry.listVersions(model)).toEqual(versions);
    expect(await registry.getClaim(model, `no-last-good#${configName}`)).toEqual({ model, key: `no-last-good#${configName}`, version: 1, createdAt: T0.toISOString(), notifiedAt: T0.toISOString(), details });
  });

  it('notifies again for the next deployment with no last-good version: each deployment is its own incident', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 1, 1);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 1));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await makeHandler(deps)(event());
    // Version 1 deployed again (a new endpoint config) after a fix to the serving image.
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 1, { EndpointConfigName: deploymentResourceName(endpointName, 1, '9f8e7d6c'), LastModifiedTime: new Date('2026-03-01T11:00:00Z') }));
    clock = new Date('2026-03-01T11:30:05.000Z');
    await expect(makeHandler(deps)(event(undefined, { id: 'next', timestamp: '2026-03-01T11:30:00.000+0000' }))).resolves.toEqual({ action: 'no-last-good', productionVersion: 1, notified: true });
    expect(publishInputs()).toHaveLength(2);
  });

  it('notifies on the retry when SNS failed after the notice was claimed', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 1, 1);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 1));
    publishFailsOnce(sns);
    await expect(makeHandler(deps)(event())).rejects.toMatchObject({ name: 'InternalErrorException' });
    clock = new Date(T0.getTime() + 60_000);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'no-last-good', productionVersion: 1, notified: true });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect((await registry.history(model)).filter((e) => e.type === 'Failed')).toHaveLength(1);
  });

  describe('a rollback whose execution ended without succeeding', () => {
    /** A model whose rollback of version 2 started, and whose execution then ended with `status`. */
    async function failedRollback(status: 'FAILED' | 'TIMED_OUT' | 'ABORTED') {
      const { model, endpointName, stateMachineArn, event } = names();
      await seed(model, 2, 2);
      const configName = deploymentResourceName(endpointName, 2, '1a2b3c4d');
      const name = expectedName(2, configName);
      const firstArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}`;
      const retryArn = `${firstArn}-attempt-2`;
      sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
      sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: firstArn, startDate: T0 }).resolves({ executionArn: retryArn, startDate: T0 });
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
      await expect(makeHandler(deps)(event())).resolves.toMatchObject({ action: 'started', executionArn: firstArn });
      sfn.on(DescribeExecutionCommand, { executionArn: firstArn }).resolves(execution(firstArn, stateMachineArn, status));
      sfn.on(DescribeExecutionCommand, { executionArn: retryArn }).resolves(execution(retryArn, stateMachineArn, 'RUNNING'));
      return { model, endpointName, stateMachineArn, event, configName, name, firstArn, retryArn };
    }

    it.each(['FAILED', 'TIMED_OUT', 'ABORTED'] as const)('%s: the next alarm takes the claim over and starts one new execution, once for 20 concurrent deliveries', async (status) => {
      const { model, endpointName, stateMachineArn, event, configName, name, firstArn, retryArn } = await failedRollback(status);
      const historyBefore = await registry.history(model);
      clock = new Date(T0.getTime() + 20 * 60_000);

      const results = await Promise.all(Array.from({ length: 20 }, () => makeHandler(deps)(event(`${endpointName}-5xx`, { id: 'after-failure', timestamp: '2026-03-01T10:49:00.000+0000' }))));

      expect(results.filter((r) => r.action === 'retried')).toEqual([{ action: 'retried', executionArn: retryArn, fromVersion: 2, toVersion: 1 }]);
      expect(results.filter((r) => r.action === 'duplicate')).toHaveLength(19);
      const reason = reasonOf(`${endpointName}-5xx`);
      expect(startInputs()).toEqual([
        expect.objectContaining({ stateMachineArn, name }),
        { stateMachineArn, name: `${name}-attempt-2`, input: JSON.stringify({ model, version: 1, strategy: 'all-at-once', rollback: true, reason, requestedBy: 'gantry-rollback' }) },
      ]);
      // Every delivery asked about the execution its claim named: the failed one, or (for the late) the retry.
      expect(describeExecutionInputs().every((i) => i.executionArn === firstArn || i.executionArn === retryArn)).toBe(true);
      expect(describeExecutionInputs()).toContainEqual({ executionArn: firstArn });
      expect(publishInputs().map((p) => p.Subject)).toEqual([`Gantry: rolling back ${model} from v2 to v1`, `Gantry: rolling back ${model} from v2 to v1`]);
      const details = { alarmName: `${endpointName}-5xx`, eventId: 'after-failure', eventTime: '2026-03-01T10:30:01Z', alarmAt: '2026-03-01T10:49:00.000Z', toVersion: 1, previousStatus: status, attempt: 2, previousExecutionArn: firstArn };
      expect(await registry.history(model)).toEqual([...historyBefore, { model, seq: historyBefore.length + 1, type: 'RollbackStarted', at: clock.toISOString(), actor: 'gantry-rollback', version: 2, reason, details }]);
      expect(await registry.getClaim(model, `rollback#${configName}`)).toEqual({
        model,
        key: `rollback#${configName}`,
        version: 2,
        createdAt: clock.toISOString(),
        executionName: `${name}-attempt-2`,
        executionArn: retryArn,
        startedAt: clock.toISOString(),
        attempt: 2,
        details,
      });
      expect(await registry.getVersion(model, 2)).toMatchObject({ status: 'RolledBack' });
      expect(await registry.pointers(model)).toEqual({ production: 2, lastGood: 1 });
    });

    it('is a duplicate while DescribeExecution does not know the execution yet (eventually consistent)', async () => {
      const { model, event, stateMachineArn, firstArn } = await failedRollback('FAILED');
      sfn.on(DescribeExecutionCommand, { executionArn: firstArn }).rejects(new ExecutionDoesNotExist({ $metadata: { httpStatusCode: 400 }, message: `Execution Does Not Exist: '${firstArn}'` }));
      const items = await itemsOf(model);
      await expect(makeHandler(deps)(event())).resolves.toMatchObject({ action: 'duplicate', executionArn: firstArn });
      expect(startInputs().map((i) => i.stateMachineArn)).toEqual([stateMachineArn]);
      expect(await itemsOf(model)).toEqual(items);
    });

    it('throws another Step Functions error, so that Lambda retries, writing nothing', async () => {
      const { model, event, firstArn } = await failedRollback('FAILED');
      sfn.on(DescribeExecutionCommand, { executionArn: firstArn }).rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
      const items = await itemsOf(model);
      await expect(makeHandler(deps)(event())).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(startInputs()).toHaveLength(1);
      expect(await itemsOf(model)).toEqual(items);
    });
  });

  it('ignores a stale alarm, raised before the endpoint last changed', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 2, 2);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event(undefined, { timestamp: '2026-03-01T09:59:59.999+0000' }))).resolves.toEqual({ action: 'ignored', reason: 'alarm predates the current deployment' });
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('ignores an alarm going to %s without calling anything', async (state) => {
    const { model, event } = names();
    await seed(model, 2, 2);
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event(undefined, { state }))).resolves.toEqual({ action: 'ignored', reason: `alarm state is ${state}, not ALARM` });
    expect(sagemaker.calls()).toHaveLength(0);
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it('ignores an alarm of an endpoint that does not exist', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 2, 2);
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `Could not find endpoint "arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName}".` }));
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'ignored', reason: `endpoint ${endpointName} does not exist` });
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it('throws any other SageMaker error, so that Lambda retries, writing nothing', async () => {
    const { model, event } = names();
    await seed(model, 2, 2);
    sagemaker.on(DescribeEndpointCommand).rejects(new SageMakerServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event())).rejects.toMatchObject({ name: 'ThrottlingException' });
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it.each<[string, number, number]>([
    ['registered but never promoted', 1, 0],
    ['unknown to the registry', 0, 0],
  ])('ignores an alarm for a model %s', async (_name, versions, promoted) => {
    const { model, endpointName, event } = names();
    await seed(model, versions, promoted);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 1));
    const items = await itemsOf(model);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'ignored', reason: 'the model has no production version' });
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it('throws, writing nothing, while the endpoint serves a version the registry has not promoted yet', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 3, 2);
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 3));
    const items = await itemsOf(model);
    const error = await makeHandler(deps)(event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryBehindEndpointError);
    expect((error as Error).message).toBe(
      `model "${model}": endpoint config ${deploymentResourceName(endpointName, 3, '1a2b3c4d')} serves version 3 but the registry's production version is 2; retry once the deploy workflow has recorded its deployment`,
    );
    expectNothingSent();
    expect(await itemsOf(model)).toEqual(items);
  });

  it('resumes, with the same execution name, a claim left by an attempt that crashed before starting', async () => {
    const { model, endpointName, stateMachineArn, event } = names();
    await seed(model, 2, 2);
    const name = expectedName(2, deploymentResourceName(endpointName, 2, '1a2b3c4d'));
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}`;
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: T0 });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // The first attempt dies (a timeout, say) right after its claim committed.
    const crashing: RollbackDeps = {
      ...deps,
      registry: {
        pointers: (m) => registry.pointers(m),
        markClaimStarted: (m, k, a) => registry.markClaimStarted(m, k, a),
        retakeClaim: (...args) => registry.retakeClaim(...args),
        claimNotice: (...args) => registry.claimNotice(...args),
        markClaimNotified: (m, k) => registry.markClaimNotified(m, k),
        markRolledBack: async (...args) => {
          await registry.markRolledBack(...args);
          throw new Error('Task timed out after 30.00 seconds');
        },
      },
    };
    await expect(makeHandler(crashing)(event())).rejects.toThrow('Task timed out');
    expectNothingSent();

    // Within resumeAfterMs the claim may belong to an attempt still running.
    clock = new Date(T0.getTime() + 59_999);
    await expect(makeHandler(deps)(event())).resolves.toMatchObject({ action: 'duplicate' });
    expectNothingSent();

    clock = new Date(T0.getTime() + 60_000);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'resumed', executionArn, fromVersion: 2, toVersion: 1 });
    const deployInput: DeployInput = { model, version: 1, strategy: 'all-at-once', rollback: true, reason: reasonOf(`${endpointName}-latency-p99`), requestedBy: 'gantry-rollback' };
    expect(startInputs()).toEqual([{ stateMachineArn, name, input: JSON.stringify(deployInput) }]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(await registry.getClaim(model, `rollback#${deploymentResourceName(endpointName, 2, '1a2b3c4d')}`)).toMatchObject({ executionName: name, executionArn, createdAt: T0.toISOString(), startedAt: clock.toISOString() });
    expect((await registry.history(model)).filter((e) => e.type === 'RollbackStarted')).toHaveLength(1);

    // Once started, later deliveries are duplicates, however late, while the execution runs.
    sfn.on(DescribeExecutionCommand).resolves(execution(executionArn, stateMachineArn, 'RUNNING'));
    clock = new Date(T0.getTime() + 3_600_000);
    await expect(makeHandler(deps)(event())).resolves.toMatchObject({ action: 'duplicate', executionArn });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('takes ExecutionAlreadyExists as started, with the execution ARN Step Functions gives that name', async () => {
    const { model, endpointName, stateMachineArn, event } = names();
    await seed(model, 2, 2);
    const name = expectedName(2, deploymentResourceName(endpointName, 2, '1a2b3c4d'));
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: { httpStatusCode: 400 }, message: `Execution Already Exists: 'arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}'` }));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'started', executionArn, fromVersion: 2, toVersion: 1 });
    expect(startInputs()).toEqual([{ stateMachineArn, name, input: expect.any(String) }]);
    expect(JSON.parse(publishInputs()[0]!.Message as string)).toMatchObject({ executionArn });
    expect(await registry.getClaim(model, `rollback#${deploymentResourceName(endpointName, 2, '1a2b3c4d')}`)).toMatchObject({ executionArn });
  });

  it('throws when Step Functions fails; the retry after resumeAfterMs starts the same execution', async () => {
    const { model, endpointName, stateMachineArn, topicArn, event } = names();
    await seed(model, 2, 2);
    const name = expectedName(2, deploymentResourceName(endpointName, 2, '1a2b3c4d'));
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}`;
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Service Unavailable' }))
      .resolves({ executionArn, startDate: T0 });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    await expect(makeHandler(deps)(event())).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(sns.calls()).toHaveLength(0);
    // The claim holds: the version is marked, the claim waits for its execution.
    expect(await registry.getVersion(model, 2)).toMatchObject({ status: 'RolledBack' });
    expect(await registry.getClaim(model, `rollback#${deploymentResourceName(endpointName, 2, '1a2b3c4d')}`)).not.toHaveProperty('executionArn');

    clock = new Date(T0.getTime() + 60_000); // Lambda's first retry of an async invocation comes about a minute later.
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'resumed', executionArn, fromVersion: 2, toVersion: 1 });
    const [first, second] = startInputs();
    expect(second).toEqual(first);
    expect(second).toEqual({ stateMachineArn, name, input: JSON.stringify({ model, version: 1, strategy: 'all-at-once', rollback: true, reason: reasonOf(`${endpointName}-latency-p99`), requestedBy: 'gantry-rollback' }) });
    expect(publishInputs()).toEqual([{ TopicArn: topicArn, Subject: `Gantry: rolling back ${model} from v2 to v1`, Message: expect.stringContaining(`"executionArn":"${executionArn}"`) }]);
    expect((await registry.history(model)).filter((e) => e.type === 'RollbackStarted')).toHaveLength(1);
    expect(await registry.pointers(model)).toEqual({ production: 2, lastGood: 1 });
  });

  it('notifies on the retry when SNS failed after the execution started (the claim is not marked started until notified)', async () => {
    const { model, endpointName, event } = names();
    await seed(model, 2, 2);
    const name = expectedName(2, deploymentResourceName(endpointName, 2, '1a2b3c4d'));
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${endpointName}-deploy:${name}`;
    sagemaker.on(DescribeEndpointCommand).resolves(serving(endpointName, 2));
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn, startDate: T0 })
      .rejects(new ExecutionAlreadyExists({ $metadata: { httpStatusCode: 400 }, message: 'Execution Already Exists' }));
    publishFailsOnce(sns);

    await expect(makeHandler(deps)(event())).rejects.toMatchObject({ name: 'InternalErrorException' });
    clock = new Date(T0.getTime() + 60_000);
    await expect(makeHandler(deps)(event())).resolves.toEqual({ action: 'resumed', executionArn, fromVersion: 2, toVersion: 1 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(await registry.getClaim(model, `rollback#${deploymentResourceName(endpointName, 2, '1a2b3c4d')}`)).toMatchObject({ executionArn });
  });

  describe('bad events', () => {
    const endpointName = 'gantry-prod-churn';
    const good = {
      model: 'churn',
      endpointName,
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${endpointName}-deploy`,
      topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${endpointName}-alerts`,
      alarm: alarmEvent(`${endpointName}-latency-p99`),
    };
    const alarm = good.alarm as { detail: { state: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;
    const without = <T extends Record<string, unknown>>(object: T, key: string): Record<string, unknown> => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
    const withDetail = (detail: Record<string, unknown>) => ({ ...good, alarm: { ...alarm, detail } });
    const withState = (state: Record<string, unknown>) => withDetail({ ...alarm.detail, state });

    it.each<[string, unknown, RegExp]>([
      ['null', null, /\(root\): expected object, got null/],
      ['a string', 'ALARM', /\(root\): expected object, got string/],
      ['an array', [good], /\(root\): expected object, got object/],
      ['no model', without(good, 'model'), /model: expected string \(missing\)/],
      ['a bad model name', { ...good, model: 'Churn_Model' }, /model: must be a kebab-case model name/],
      ['no endpoint name', without(good, 'endpointName'), /endpointName: expected string \(missing\)/],
      ['a bad endpoint name', { ...good, endpointName: 'gantry prod' }, /endpointName: must be a SageMaker endpoint name/],
      ['no state machine', without(good, 'stateMachineArn'), /stateMachineArn: expected string \(missing\)/],
      ['an execution ARN for the state machine', { ...good, stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:m:e` }, /stateMachineArn: must be a Step Functions state machine ARN/],
      ['no topic', without(good, 'topicArn'), /topicArn: expected string \(missing\)/],
      ['a queue ARN for the topic', { ...good, topicArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q` }, /topicArn: must be an SNS topic ARN/],
      ['no alarm', without(good, 'alarm'), /alarm: expected object \(missing\)/],
      ['an alarm of another kind of event', { ...good, alarm: { ...alarm, 'detail-type': 'CloudWatch Alarm Configuration Change' } }, /alarm\.detail-type: must be one of "CloudWatch Alarm State Change"/],
      ['an alarm from another source', { ...good, alarm: { ...alarm, source: 'aws.sagemaker' } }, /alarm\.source: must be one of "aws.cloudwatch"/],
      ['an alarm with no event id', { ...good, alarm: without(alarm, 'id') }, /alarm\.id: expected string \(missing\)/],
      ['an alarm with no event time', { ...good, alarm: without(alarm, 'time') }, /alarm\.time: expected string \(missing\)/],
      ['an alarm with no detail', { ...good, alarm: without(alarm, 'detail') }, /alarm\.detail: expected object \(missing\)/],
      ['an alarm with no name', withDetail(without(alarm.detail, 'alarmName')), /alarm\.detail\.alarmName: expected string \(missing\)/],
      ['an alarm with no state', withDetail(without(alarm.detail, 'state')), /alarm\.detail\.state: expected object \(missing\)/],
      ['an alarm state with no value', withState(without(alarm.detail.state, 'value')), /alarm\.detail\.state\.value: expected string \(missing\)/],
      ['an alarm state with no reason', withState(without(alarm.detail.state, 'reason')), /alarm\.detail\.state\.reason: expected string \(missing\)/],
      ['an alarm state with a bad timestamp', withState({ ...alarm.detail.state, timestamp: 'yesterday' }), /alarm\.detail\.state\.timestamp: must be an ISO 8601 timestamp/],
      ['an alarm of another endpoint', { ...good, alarm: alarmEvent('gantry-prod-fraud-latency-p99') }, /alarm\.detail\.alarmName: must start with the endpoint's name and a hyphen/],
      ['an alarm named exactly like the endpoint', { ...good, alarm: alarmEvent(endpointName) }, /alarm\.detail\.alarmName: must start with the endpoint's name and a hyphen/],
      ['an unknown key', { ...good, alarms: [] }, /unknown key\(s\) alarms/],
    ])('throws InvalidEventError for %s, naming the field, and calls nothing', async (_name, event, message) => {
      const before = await itemsOf('churn');
      await expect(makeHandler(deps)(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
      expect(sagemaker.calls()).toHaveLength(0);
      expectNothingSent();
      expect(await itemsOf('churn')).toEqual(before);
    });
  });

  it('runs as deployed: the exported handler builds its clients from the environment and validates first', async () => {
    process.env[ENV.registryTable] = tableName;
    try {
      const result: Promise<RollbackResult> = handler({ model: 'churn' });
      await expect(result).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringContaining('endpointName: expected string (missing)') });
    } finally {
      delete process.env[ENV.registryTable];
    }
  });
});
