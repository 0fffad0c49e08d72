import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, ListTagsCommand, SageMakerClient, SageMakerServiceException, type EndpointStatus } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import { PointerMismatchError, type RegisterInput } from '../../../lambdas/core/registry/model';
import { handler, makeHandler, type CompleteDeployResult, type DeployResult, type RecordEndpointResult } from '../../../lambdas/deploy/handler';
import { ENV, type CompleteDeployEvent, type DeployPlan, type EndpointProbe, type PrepareDeployEvent, type RecordEndpointEvent } from '../../../lib/contract';
import { localRegistryTable } from '../../support/local-data';

// SageMaker has no local engine: its client is mocked and every request asserted in full.
const sagemakerMock = mockClient(SageMakerClient);

const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-deploy:deploy-1a2b3c4d';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:2.1.2-neuronx-py310';

function lineage(model: string, n: number, compiled = true): RegisterInput {
  return {
    model,
    artifactUri: `s3://gantry-artifacts/${model}/${n}/model.tar.gz`,
    ...(compiled ? { compiledArtifactUri: `s3://gantry-artifacts/${model}/${n}/compiled/model.tar.gz` } : {}),
    imageUri: IMAGE,
    metrics: { auc: 0.8 },
    hyperparameters: {},
    dataInputs: [],
    createdBy: 'test',
  };
}

/** SageMaker's answer to DescribeEndpoint for an endpoint that does not exist. */
function endpointNotFound(name: string): SageMakerServiceException {
  return new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `Could not find endpoint "${name}".` });
}

describe('deploy handler', () => {
  let client: DynamoDBClient;
  let tableName: string;
  let registry: DynamoRegistry;
  let deploy: (event: unknown) => Promise<DeployResult>;
  let modelCounter = 0;

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
    registry = new DynamoRegistry({ client, tableName });
    deploy = makeHandler({ registry, sagemaker: new SageMakerClient({ region: 'us-east-1' }) });
  });

  beforeEach(() => {
    sagemakerMock.reset();
  });

  const endpointOf = (m: string) => `gantry-dev-${m}`;
  const prepareEvent = (m: string, input: unknown, overrides: Partial<PrepareDeployEvent> = {}): PrepareDeployEvent => ({
    action: 'prepare',
    model: m,
    input,
    endpointName: endpointOf(m),
    target: 'inf2',
    instanceType: 'ml.inf2.xlarge',
    defaultStrategy: 'canary',
    deploymentId: '1a2b3c4d',
    executionArn,
    ...overrides,
  });
  const prepare = async (event: PrepareDeployEvent) => (await deploy(event)) as DeployPlan;
  const complete = async (plan: DeployPlan) => (await deploy({ action: 'complete', plan, executionArn } satisfies CompleteDeployEvent)) as CompleteDeployResult;

  /**
   * A fresh model with `versions` registered versions: those in `approved` approved, then those
   * in `promoted` promoted in order.
   */
  async function model(versions: number, approved: readonly number[] = [], promoted: readonly number[] = [], compiled = true): Promise<string> {
    const m = `churn-${++modelCounter}`;
    for (let i = 1; i <= versions; i++) await registry.register(lineage(m, i, compiled));
    for (const v of approved) await registry.approve(m, v, 'reviewer');
    for (const v of promoted) await registry.promote(m, v, 'deployer');
    return m;
  }

  const arnOf = (m: string) => `arn:aws:sagemaker:us-east-1:111111111111:endpoint/${endpointOf(m)}`;

  function endpointIs(m: string, status: EndpointStatus | undefined, configName = `${endpointOf(m)}-v1-00000000`, failureReason?: string): void {
    if (status === undefined) sagemakerMock.on(DescribeEndpointCommand).rejects(endpointNotFound(endpointOf(m)));
    else sagemakerMock.on(DescribeEndpointCommand).resolves({ EndpointName: endpointOf(m), EndpointArn: arnOf(m), EndpointStatus: status, EndpointConfigName: configName, FailureReason: failureReason });
  }

  /** The tags CreateEndpoint of this model's deploy workflow put on the endpoint (an earlier execution). */
  const createdByWorkflow = (m: string) => ({
    CostCenter: 'CC-1001',
    Team: 'growth-ml',
    Project: 'gantry',
    Environment: 'dev',
    Model: m,
    ExecutionId: executionArn.replace(/:[^:]+$/, ':deploy-0f0f0f0f'),
  });

  function endpointTagged(m: string, tags: Record<string, string>): void {
    sagemakerMock.on(ListTagsCommand, { ResourceArn: arnOf(m) }).resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
  }

  function configHas(instanceType: string | undefined): void {
    sagemakerMock.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'current',
      ProductionVariants: [{ VariantName: 'primary', ModelName: 'current', InitialInstanceCount: 1, ...(instanceType ? { InstanceType: instanceType as never } : {}) }],
    });
  }

  const describedEndpoints = () => sagemakerMock.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input);
  const describedConfigs = () => sagemakerMock.commandCalls(DescribeEndpointConfigCommand).map((c) => c.args[0].input);
  const listedTags = () => sagemakerMock.commandCalls(ListTagsCommand).map((c) => c.args[0].input);
  const itemCount = async () => (await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }))).Count;

  describe('prepare', () => {
    it('plans a first deployment: no endpoint yet, the compiled artifact on inf2, the default strategy', async () => {
      const m = await model(1, [1]);
      endpointIs(m, undefined);
      const plan = await prepare(prepareEvent(m, { model: m, version: 1 }));
      expect(plan).toEqual({
        model: m,
        version: 1,
        strategy: 'canary',
        rollback: false,
        imageUri: IMAGE,
        artifactUri: `s3://gantry-artifacts/${m}/1/compiled/model.tar.gz`,
        resourceName: `${endpointOf(m)}-v1-1a2b3c4d`,
        endpointExists: false,
        instanceTypeChanged: false,
        reason: 'deploy of version 1',
        requestedBy: executionArn,
      });
      expect(describedEndpoints()).toEqual([{ EndpointName: endpointOf(m) }]);
      expect(describedConfigs()).toEqual([]);
    });

    it('plans an update of an InService endpoint on the same instance type, with the input strategy, reason and requester', async () => {
      const m = await model(2, [1, 2], [1]);
      endpointIs(m, 'InService', `${endpointOf(m)}-v1-0badc0de`);
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 2, strategy: 'linear', reason: 'retrained on November data', requestedBy: 'alice' }));
      expect(plan).toEqual({
        model: m,
        version: 2,
        strategy: 'linear',
        rollback: false,
        previousVersion: 1,
        imageUri: IMAGE,
        artifactUri: `s3://gantry-artifacts/${m}/2/compiled/model.tar.gz`,
        resourceName: `${endpointOf(m)}-v2-1a2b3c4d`,
        endpointExists: true,
        currentConfigName: `${endpointOf(m)}-v1-0badc0de`,
        instanceTypeChanged: false,
        reason: 'retrained on November data',
        requestedBy: 'alice',
      });
      expect(describedEndpoints()).toEqual([{ EndpointName: endpointOf(m) }]);
      expect(describedConfigs()).toEqual([{ EndpointConfigName: `${endpointOf(m)}-v1-0badc0de` }]);
    });

    it('sees a changed instance type, and serves the uncompiled artifact on a cpu target', async () => {
      const m = await model(2, [1, 2], [1], false);
      endpointIs(m, 'InService');
      configHas('ml.c7g.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 2 }, { target: 'cpu', instanceType: 'ml.c7g.2xlarge' }));
      expect(plan).toMatchObject({ instanceTypeChanged: true, artifactUri: `s3://gantry-artifacts/${m}/2/model.tar.gz`, endpointExists: true, previousVersion: 1 });
      expect(describedConfigs()).toEqual([{ EndpointConfigName: `${endpointOf(m)}-v1-00000000` }]);
    });

    it('reads no endpoint config for a serverless target, which has no instance type', async () => {
      const m = await model(2, [1, 2], [1]);
      endpointIs(m, 'InService');
      const { instanceType: _none, ...serverless } = prepareEvent(m, { model: m, version: 2 }, { target: 'serverless', defaultStrategy: 'all-at-once' });
      const plan = await prepare(serverless);
      expect(plan).toMatchObject({ strategy: 'all-at-once', instanceTypeChanged: false, endpointExists: true, artifactUri: `s3://gantry-artifacts/${m}/2/model.tar.gz` });
      expect(describedEndpoints()).toHaveLength(1);
      expect(describedConfigs()).toEqual([]);
    });

    it('plans a rollback to last-good: all-at-once whatever the default, the production version as previous', async () => {
      const m = await model(2, [1, 2], [1, 2]);
      endpointIs(m, 'InService', `${endpointOf(m)}-v2-0badc0de`);
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 1, rollback: true, requestedBy: 'gantry-rollback' }));
      expect(plan).toEqual({
        model: m,
        version: 1,
        strategy: 'all-at-once',
        rollback: true,
        previousVersion: 2,
        imageUri: IMAGE,
        artifactUri: `s3://gantry-artifacts/${m}/1/compiled/model.tar.gz`,
        resourceName: `${endpointOf(m)}-v1-1a2b3c4d`,
        endpointExists: true,
        currentConfigName: `${endpointOf(m)}-v2-0badc0de`,
        instanceTypeChanged: false,
        reason: 'rollback to version 1',
        requestedBy: 'gantry-rollback',
      });
    });

    it('plans a rollback after the rollback handler marked production RolledBack', async () => {
      const m = await model(2, [1, 2], [1, 2]);
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'p99 latency alarm', { key: 'alarm-1', executionName: 'rollback-1' });
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      await expect(prepare(prepareEvent(m, { model: m, version: 1, rollback: true, strategy: 'all-at-once' }))).resolves.toMatchObject({ version: 1, rollback: true, previousVersion: 2 });
    });

    describe('refuses a version the registry does not allow, before asking SageMaker and writing nothing', () => {
      it.each<[string, () => Promise<{ m: string; input: Record<string, unknown>; event?: Partial<PrepareDeployEvent> }>, RegExp]>([
        ['a Registered version', async () => ({ m: await model(1), input: { version: 1 } }), /^model churn-\d+ version 1 is Registered: only Approved versions can be deployed \(approve it with gantry registry approve --model churn-\d+ --version 1\)$/],
        ['a Rejected version', async () => {
          const m = await model(1);
          await registry.reject(m, 1, 'reviewer');
          return { m, input: { version: 1 } };
        }, /^model churn-\d+ version 1 is Rejected: only Approved versions can be deployed$/],
        ['an Archived version', async () => ({ m: await model(2, [1, 2], [1, 2]), input: { version: 1 } }), /version 1 is Archived: only Approved versions can be deployed \(an Archived version goes back to production only by a rollback/],
        ['the version in production', async () => ({ m: await model(1, [1], [1]), input: { version: 1 } }), /^model churn-\d+ version 1 is already in production$/],
        ['an unknown version', async () => ({ m: await model(1, [1]), input: { version: 7 } }), /^model "churn-\d+" has no version 7$/],
        ['a rollback to a version that is not last-good', async () => ({ m: await model(3, [1, 2, 3], [1, 2, 3]), input: { version: 1, rollback: true } }), /^model churn-\d+ cannot roll back to version 1: it is not the last-good version \(production: version 3, last-good: version 2\)$/],
        ['a rollback with no last-good', async () => ({ m: await model(1, [1], [1]), input: { version: 1, rollback: true } }), /cannot roll back to version 1: it is not the last-good version \(production: version 1, last-good: none\)$/],
        ['inf2 without a compiled artifact', async () => ({ m: await model(1, [1], [], false), input: { version: 1 } }), /^model churn-\d+ version 1 has no Neuron-compiled artifact, which the inf2 target serves/],
      ])('%s', async (_case, arrange, message) => {
        const { m, input, event } = await arrange();
        const before = await itemCount();
        await expect(deploy(prepareEvent(m, { model: m, ...input }, event))).rejects.toMatchObject({ name: 'VersionNotDeployable', message: expect.stringMatching(message) });
        expect(sagemakerMock.calls()).toHaveLength(0);
        expect(await itemCount()).toBe(before);
      });
    });

    describe('a Failed endpoint', () => {
      it('is replaced when this workflow created it: ListTags on its ARN, then a plan to delete and create it again', async () => {
        const m = await model(1, [1]);
        endpointIs(m, 'Failed', `${endpointOf(m)}-v1-0badc0de`, 'The primary container for production variant primary did not pass the ping health check');
        endpointTagged(m, createdByWorkflow(m));
        const before = await itemCount();
        const plan = await prepare(prepareEvent(m, { model: m, version: 1 }));
        expect(plan).toEqual({
          model: m,
          version: 1,
          strategy: 'canary',
          rollback: false,
          imageUri: IMAGE,
          artifactUri: `s3://gantry-artifacts/${m}/1/compiled/model.tar.gz`,
          resourceName: `${endpointOf(m)}-v1-1a2b3c4d`,
          // Created again, not updated: SageMaker cannot update a Failed endpoint.
          endpointExists: false,
          instanceTypeChanged: false,
          failedEndpoint: { configName: `${endpointOf(m)}-v1-0badc0de`, failureReason: 'The primary container for production variant primary did not pass the ping health check' },
          reason: 'deploy of version 1',
          requestedBy: executionArn,
        });
        expect(describedEndpoints()).toEqual([{ EndpointName: endpointOf(m) }]);
        expect(listedTags()).toEqual([{ ResourceArn: arnOf(m) }]);
        expect(describedConfigs()).toEqual([]);
        // Planning deletes nothing and writes nothing: the workflow does, and records it.
        expect(await itemCount()).toBe(before);
      });

      it.each<[string, (m: string) => Record<string, string>, string]>([
        ['with no tags (made by hand)', () => ({}), 'it has no Model tag'],
        ["with another model's tags", (m) => ({ ...createdByWorkflow(m), Model: 'fraud' }), `its Model tag is "fraud", not "${'<m>'}"`],
        ["created by another stage's workflow", (m) => ({ ...createdByWorkflow(m), ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-deploy:deploy-0' }), 'its ExecutionId tag "arn:aws:states:us-east-1:111111111111:execution:gantry-prod-deploy:deploy-0" is not an execution of this deploy workflow (arn:aws:states:us-east-1:111111111111:execution:gantry-dev-deploy:*)'],
        ['with cost tags but no ExecutionId', (m) => ({ Model: m, CostCenter: 'CC-1001' }), 'it has no ExecutionId tag'],
      ])('is refused %s: EndpointFailed says to delete it by hand, nothing written', async (_case, tags, why) => {
        const m = await model(1, [1]);
        endpointIs(m, 'Failed', undefined, 'Image size 31 GB is greater than supported size 30 GB');
        endpointTagged(m, tags(m));
        const before = await itemCount();
        await expect(deploy(prepareEvent(m, { model: m, version: 1 }))).rejects.toMatchObject({
          name: 'EndpointFailed',
          message:
            `endpoint ${endpointOf(m)} is Failed (Image size 31 GB is greater than supported size 30 GB) and was not created by this deploy workflow: ${why.replace('<m>', m)}. ` +
            `SageMaker can only delete a Failed endpoint, and Gantry deletes only the endpoints it created: delete it by hand (aws sagemaker delete-endpoint --endpoint-name ${endpointOf(m)}), then deploy again`,
        });
        expect(listedTags()).toEqual([{ ResourceArn: arnOf(m) }]);
        expect(describedConfigs()).toEqual([]);
        expect(await itemCount()).toBe(before);
      });

      it('passes on a ListTags error, planning nothing', async () => {
        const m = await model(1, [1]);
        endpointIs(m, 'Failed');
        sagemakerMock.on(ListTagsCommand).rejects(new SageMakerServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized to perform sagemaker:ListTags' }));
        await expect(deploy(prepareEvent(m, { model: m, version: 1 }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      });
    });

    describe('refuses an endpoint that is not InService', () => {
      it.each<EndpointStatus>(['Updating', 'Creating', 'SystemUpdating', 'RollingBack', 'UpdateRollbackFailed', 'Deleting', 'OutOfService'])('throws EndpointBusy naming the status %s', async (status) => {
        const m = await model(1, [1]);
        endpointIs(m, status);
        await expect(deploy(prepareEvent(m, { model: m, version: 1 }))).rejects.toMatchObject({
          name: 'EndpointBusy',
          message: `endpoint ${endpointOf(m)} is ${status}: a deployment can only start when it is InService or gone; deploy again once it is${status === 'Deleting' ? ' gone' : ''}`,
        });
        expect(describedConfigs()).toEqual([]);
        expect(listedTags()).toEqual([]);
      });

      it('passes on any other DescribeEndpoint error', async () => {
        const m = await model(1, [1]);
        sagemakerMock.on(DescribeEndpointCommand).rejects(new SageMakerServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'not authorized to perform sagemaker:DescribeEndpoint' }));
        await expect(deploy(prepareEvent(m, { model: m, version: 1 }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      });
    });

    describe('throws InvalidDeployInput naming each bad field and value, before any read', () => {
      it.each<[string, (m: string) => unknown, RegExp, Partial<PrepareDeployEvent>?]>([
        ['the wrong model', () => ({ model: 'fraud', version: 1 }), /^invalid deploy input: model: this workflow deploys model "churn-\d+", got "fraud"$/],
        ['version 0', (m) => ({ model: m, version: 0 }), /^invalid deploy input: version: must be a positive version number, got 0$/],
        ['version 1.5', (m) => ({ model: m, version: 1.5 }), /^invalid deploy input: version: must be a whole number, got 1.5$/],
        ['a version past the naming limit', (m) => ({ model: m, version: 1_000_000 }), /version: must be at most 999999, got 1000000$/],
        ['a version as a string', (m) => ({ model: m, version: '3' }), /^invalid deploy input: version: expected number, got "3"$/],
        ['no version', (m) => ({ model: m }), /^invalid deploy input: version: expected number \(missing\)$/],
        ['an unknown strategy', (m) => ({ model: m, version: 1, strategy: 'blue-green' }), /^invalid deploy input: strategy: must be one of "canary", "linear", "all-at-once", got "blue-green"$/],
        ['an extra key', (m) => ({ model: m, version: 1, force: true }), /^invalid deploy input: \(root\): unknown key\(s\) force$/],
        ['a reason too long', (m) => ({ model: m, version: 1, reason: 'x'.repeat(1025) }), /^invalid deploy input: reason: must be at most 1024 characters, got a string of 1025 characters$/],
        ['rollback as a string', (m) => ({ model: m, version: 1, rollback: 'yes' }), /^invalid deploy input: rollback: expected boolean, got "yes"$/],
        ['several bad fields at once', () => ({ model: 'fraud', version: -2, strategy: 'fast' }), /^invalid deploy input: version: must be a positive version number, got -2; strategy: must be one of .*, got "fast"; model: this workflow deploys model "churn-\d+", got "fraud"$/],
        ['no input at all', () => undefined, /^invalid deploy input: \(root\): expected object \(missing\)$/],
        ['a rollback with a canary', (m) => ({ model: m, version: 1, rollback: true, strategy: 'canary' }), /^invalid deploy input: strategy: a rollback is always all-at-once, got "canary"$/],
        ['a canary on serverless', (m) => ({ model: m, version: 1, strategy: 'canary' }), /^invalid deploy input: strategy: serverless endpoints have no deployment guardrails; use all-at-once, got "canary"$/, { target: 'serverless' }],
        ['a default linear on serverless', (m) => ({ model: m, version: 1 }), /use all-at-once, got "linear" \(the model's default\)$/, { target: 'serverless', defaultStrategy: 'linear' }],
      ])('%s', async (_case, input, message, overrides) => {
        const m = await model(1, [1]);
        const before = await itemCount();
        await expect(deploy(prepareEvent(m, input(m), overrides))).rejects.toMatchObject({ name: 'InvalidDeployInput', message: expect.stringMatching(message) });
        expect(sagemakerMock.calls()).toHaveLength(0);
        expect(await itemCount()).toBe(before);
      });
    });
  });

  describe('probe', () => {
    const probe = async (m: string) => (await deploy({ action: 'probe', endpointName: endpointOf(m) })) as EndpointProbe;

    it.each<[string, EndpointStatus | undefined, EndpointProbe]>([
      ['gone', undefined, { exists: false }],
      ['still Deleting', 'Deleting', { exists: true, status: 'Deleting' }],
      ['created again by someone else', 'Creating', { exists: true, status: 'Creating' }],
    ])('tells an endpoint %s by DescribeEndpoint', async (_case, status, expected) => {
      const m = `probe-${++modelCounter}`;
      endpointIs(m, status);
      await expect(probe(m)).resolves.toEqual(expected);
      expect(describedEndpoints()).toEqual([{ EndpointName: endpointOf(m) }]);
      expect(listedTags()).toEqual([]);
    });

    it('passes on other errors, and an answer without a status', async () => {
      sagemakerMock.on(DescribeEndpointCommand).rejectsOnce(new SageMakerServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' })).resolvesOnce({ EndpointName: 'gantry-dev-x' });
      await expect(deploy({ action: 'probe', endpointName: 'gantry-dev-x' })).rejects.toMatchObject({ name: 'ThrottlingException' });
      await expect(deploy({ action: 'probe', endpointName: 'gantry-dev-x' })).rejects.toThrow('DescribeEndpoint gantry-dev-x returned no status');
    });
  });

  describe('record', () => {
    const failedEndpoint = (m: string) => ({ configName: `${endpointOf(m)}-v1-0badc0de`, failureReason: 'The primary container for production variant primary did not pass the ping health check' });
    const record = async (type: RecordEndpointEvent['type'], plan: DeployPlan, m: string) => (await deploy({ action: 'record', type, endpointName: endpointOf(m), plan, executionArn } satisfies RecordEndpointEvent)) as RecordEndpointResult;

    async function replacing(): Promise<{ m: string; plan: DeployPlan }> {
      const m = await model(1, [1]);
      endpointIs(m, 'Failed', failedEndpoint(m).configName, failedEndpoint(m).failureReason);
      endpointTagged(m, createdByWorkflow(m));
      return { m, plan: await prepare(prepareEvent(m, { model: m, version: 1 })) };
    }

    it('appends EndpointDeleted, then EndpointRecreated, by the execution, about the planned version', async () => {
      const { m, plan } = await replacing();
      sagemakerMock.reset();
      const deleted = await record('EndpointDeleted', plan, m);
      expect(deleted).toEqual({
        alreadyRecorded: false,
        event: { model: m, seq: 3, at: expect.any(String), type: 'EndpointDeleted', version: 1, actor: executionArn, reason: failedEndpoint(m).failureReason, details: { endpoint: endpointOf(m), failedConfig: failedEndpoint(m).configName } },
      });
      const recreated = await record('EndpointRecreated', plan, m);
      expect(recreated.event).toEqual({ model: m, seq: 4, at: expect.any(String), type: 'EndpointRecreated', version: 1, actor: executionArn, reason: `created again on ${endpointOf(m)}-v1-1a2b3c4d`, details: { endpoint: endpointOf(m), config: `${endpointOf(m)}-v1-1a2b3c4d` } });
      await complete(plan);
      expect((await registry.history(m)).slice(-3).map((e) => e.type)).toEqual(['EndpointDeleted', 'EndpointRecreated', 'Promoted']);
      // The registry's writes only: no SageMaker request.
      expect(sagemakerMock.calls()).toHaveLength(0);
    });

    it('says SageMaker gave no reason when the Failed endpoint had none', async () => {
      const m = await model(1, [1]);
      endpointIs(m, 'Failed', `${endpointOf(m)}-v1-0badc0de`);
      endpointTagged(m, createdByWorkflow(m));
      const plan = await prepare(prepareEvent(m, { model: m, version: 1 }));
      expect(plan.failedEndpoint).toEqual({ configName: `${endpointOf(m)}-v1-0badc0de` });
      expect((await record('EndpointDeleted', plan, m)).event).toMatchObject({ reason: 'SageMaker gave no reason', details: { endpoint: endpointOf(m), failedConfig: `${endpointOf(m)}-v1-0badc0de` } });
    });

    it('is harmless when retried: the second call appends nothing and returns the first event', async () => {
      const { m, plan } = await replacing();
      const first = await record('EndpointDeleted', plan, m);
      const history = await registry.history(m);
      await expect(record('EndpointDeleted', plan, m)).resolves.toEqual({ event: first.event, alreadyRecorded: true });
      expect(await registry.history(m)).toEqual(history);
    });

    it('throws InvalidEventError for a plan that replaces no Failed endpoint, writing nothing', async () => {
      const m = await model(1, [1]);
      endpointIs(m, undefined);
      const plan = await prepare(prepareEvent(m, { model: m, version: 1 }));
      const before = await itemCount();
      await expect(deploy({ action: 'record', type: 'EndpointDeleted', endpointName: endpointOf(m), plan, executionArn })).rejects.toMatchObject({
        name: 'InvalidEventError',
        message: 'invalid event: plan.failedEndpoint: required to record EndpointDeleted, and absent: this plan replaces no Failed endpoint',
      });
      expect(await itemCount()).toBe(before);
    });
  });

  describe('complete', () => {
    it('promotes a planned deployment: the pointers move and the history has the Promoted event', async () => {
      const m = await model(2, [1, 2], [1]);
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 2, reason: 'better AUC', requestedBy: 'alice' }));
      const result = await complete(plan);
      expect(result).toEqual({ alreadyDone: false, event: { model: m, seq: 6, type: 'Promoted', at: expect.any(String), version: 2, previousVersion: 1, actor: 'alice', reason: 'better AUC' } });
      expect(await registry.pointers(m)).toEqual({ production: 2, lastGood: 1 });
      expect((await registry.history(m)).at(-1)).toEqual(result.event);
    });

    it('promotes a first deployment', async () => {
      const m = await model(1, [1]);
      endpointIs(m, undefined);
      const result = await complete(await prepare(prepareEvent(m, { model: m, version: 1 })));
      expect(result.event).toMatchObject({ type: 'Promoted', version: 1, actor: executionArn, reason: 'deploy of version 1' });
      expect(result.event?.previousVersion).toBeUndefined();
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
    });

    it('is idempotent: retried twice after the write committed, it writes nothing more', async () => {
      const m = await model(2, [1, 2], [1]);
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 2 }));
      await complete(plan);
      const history = await registry.history(m);
      await expect(complete(plan)).resolves.toEqual({ alreadyDone: true });
      await expect(complete(plan)).resolves.toEqual({ alreadyDone: true });
      expect(await registry.history(m)).toEqual(history);
      expect(await registry.pointers(m)).toEqual({ production: 2, lastGood: 1 });
    });

    it('rolls back after the rollback handler marked production RolledBack', async () => {
      const m = await model(2, [1, 2], [1, 2]);
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'p99 latency alarm', { key: 'alarm-1', executionName: 'rollback-1' });
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 1, rollback: true, reason: 'p99 latency alarm', requestedBy: 'gantry-rollback' }));
      const result = await complete(plan);
      expect(result).toEqual({ alreadyDone: false, event: expect.objectContaining({ type: 'RolledBack', version: 1, previousVersion: 2, actor: 'gantry-rollback', reason: 'p99 latency alarm' }) });
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
      expect((await registry.listVersions(m)).map((v) => v.status)).toEqual(['Production', 'RolledBack']);
      expect((await registry.history(m)).slice(-2).map((e) => e.type)).toEqual(['RollbackStarted', 'RolledBack']);
      await expect(complete(plan)).resolves.toEqual({ alreadyDone: true });
    });

    it('rolls back a version still in Production (a manual rollback)', async () => {
      const m = await model(2, [1, 2], [1, 2]);
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const result = await complete(await prepare(prepareEvent(m, { model: m, version: 1, rollback: true })));
      expect(result.event).toMatchObject({ type: 'RolledBack', version: 1, previousVersion: 2, actor: executionArn, reason: 'rollback to version 1' });
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack', statusReason: 'rollback to version 1' });
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
    });

    it('refuses a rollback whose pointers moved since prepare, writing nothing', async () => {
      const m = await model(3, [1, 2, 3], [1, 2]);
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 1, rollback: true }));
      await registry.promote(m, 3, 'someone-else');
      const before = await itemCount();
      await expect(complete(plan)).rejects.toThrow(PointerMismatchError);
      await expect(complete(plan)).rejects.toThrow(`model "${m}": expected production version 2 and last-good version 1, but the registry has production version 3 and last-good version 2`);
      expect(await itemCount()).toBe(before);
    });

    it('refuses to promote a version that is no longer Approved, writing nothing', async () => {
      const m = await model(2, [1, 2], [1]);
      endpointIs(m, 'InService');
      configHas('ml.inf2.xlarge');
      const plan = await prepare(prepareEvent(m, { model: m, version: 2 }));
      await registry.reject(m, 2, 'reviewer', 'found a leak in the training data');
      const before = await itemCount();
      await expect(complete(plan)).rejects.toMatchObject({ name: 'InvalidTransitionError', message: expect.stringContaining('version 2 cannot go from Rejected to Production') });
      expect(await itemCount()).toBe(before);
    });
  });

  const plan = { model: 'churn', version: 2, strategy: 'canary', rollback: false, imageUri: IMAGE, artifactUri: 's3://a/m.tar.gz', resourceName: 'gantry-dev-churn-v2-1a2b3c4d', endpointExists: false, instanceTypeChanged: false, reason: 'r', requestedBy: 'alice' };
  const failedEndpoint = { configName: 'gantry-dev-churn-v1-0badc0de', failureReason: 'ping health check' };
  it.each([
    [{ action: 'undeploy', model: 'churn' }, /^invalid event: action: must be one of "prepare", "probe", "record", "complete"$/],
    [{ model: 'churn' }, /^invalid event: action: must be one of "prepare", "probe", "record", "complete"$/],
    [{ action: 'probe' }, /^invalid event: endpointName: expected string \(missing\)$/],
    [{ action: 'probe', endpointName: 'gantry_dev_churn' }, /^invalid event: endpointName: must be a SageMaker endpoint name$/],
    [{ action: 'record', type: 'EndpointUpdated', endpointName: 'gantry-dev-churn', plan: { ...plan, failedEndpoint }, executionArn }, /^invalid event: type: must be one of "EndpointDeleted", "EndpointRecreated"$/],
    [{ action: 'record', type: 'EndpointDeleted', endpointName: 'gantry-dev-churn', plan: { ...plan, failedEndpoint }, executionArn: 'deploy-1' }, /^invalid event: executionArn: must be a Step Functions execution ARN$/],
    [{ action: 'record', type: 'EndpointDeleted', endpointName: 'gantry-dev-churn', plan: { ...plan, failedEndpoint: { ...failedEndpoint, configName: 'v1 config' } }, executionArn }, /^invalid event: plan\.failedEndpoint\.configName: must be a SageMaker endpoint config name$/],
    [{ action: 'record', type: 'EndpointDeleted', endpointName: 'gantry-dev-churn', plan: { ...plan, failedEndpoint: { ...failedEndpoint, failureReason: 'x'.repeat(1025) } }, executionArn }, /^invalid event: plan\.failedEndpoint\.failureReason: must be at most 1024 characters \(SageMaker's FailureReason\)$/],
    [{ action: 'record', type: 'EndpointDeleted', endpointName: 'gantry-dev-churn', plan: { ...plan, failedEndpoint: { ...failedEndpoint, endpointArn: 'arn' } }, executionArn }, /^invalid event: plan\.failedEndpoint: unknown key\(s\) endpointArn$/],
    [{ action: 'complete', plan: { ...plan, failedEndpoint: true }, executionArn }, /^invalid event: plan\.failedEndpoint: expected object, got boolean$/],
    [{ ...({} as object), action: 'prepare', model: 'churn', input: {}, endpointName: 'gantry-dev-churn', target: 'tpu', defaultStrategy: 'canary', deploymentId: '1a2b3c4d', executionArn }, /target: must be one of "inf2", "gpu", "cpu", "serverless"/],
    [{ action: 'prepare', model: 'churn', input: {}, endpointName: 'gantry-dev-churn', target: 'inf2', defaultStrategy: 'canary', deploymentId: 'XYZ', executionArn }, /deploymentId: must be 8 lowercase hex characters/],
    [{ action: 'prepare', model: 'churn', input: {}, endpointName: 'gantry-dev-churn', target: 'inf2', defaultStrategy: 'canary', deploymentId: '1a2b3c4d' }, /executionArn: expected string \(missing\)/],
    [{ action: 'complete', plan: { model: 'churn', version: 2 }, executionArn }, /plan\.rollback: expected boolean \(missing\)/],
    [{ action: 'complete', executionArn }, /plan: expected object \(missing\)/],
  ])('throws InvalidEventError naming the field for malformed event %#, asking and writing nothing', async (event, message) => {
    const before = await itemCount();
    await expect(deploy(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
    expect(sagemakerMock.calls()).toHaveLength(0);
    expect(await itemCount()).toBe(before);
  });

  it('runs as deployed: the exported handler reads its table from the environment', async () => {
    const m = await model(1, [1]);
    endpointIs(m, undefined);
    process.env[ENV.registryTable] = tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
    try {
      const plan = (await handler(prepareEvent(m, { model: m, version: 1 }))) as DeployPlan;
      expect(plan).toMatchObject({ model: m, version: 1, endpointExists: false });
      await expect(handler({ action: 'complete', plan, executionArn })).resolves.toMatchObject({ alreadyDone: false, event: { type: 'Promoted', version: 1 } });
      expect(describedEndpoints()).toEqual([{ EndpointName: endpointOf(m) }]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      delete process.env[ENV.registryTable];
    }
  });
});
