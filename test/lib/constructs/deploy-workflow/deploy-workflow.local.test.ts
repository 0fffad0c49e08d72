import { DescribeEndpointCommand, DescribeEndpointConfigCommand, ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../../../lambdas/adapters/dynamo-registry';
import { makeHandler as deployHandler } from '../../../../lambdas/deploy/handler';
import { makeHandler as recordEventHandler } from '../../../../lambdas/record-event/handler';
import type { StageConfigInput } from '../../../../lib/config';
import { COST_TAG_KEYS, type DeployInput } from '../../../../lib/contract';
import { testStage } from '../../../support/app';
import { dynamoClient } from '../../../support/engines';
import { localRegistryTable } from '../../../support/local-data';
import { resolveAsl, runStateMachine, type AslDefinition, type TaskOverride } from '../../../../tools/local/state-machine';

const ENDPOINT = 'gantry-prod-churn';
const ALARMS = ['latency-p99', '5xx-rate', 'model-errors'].map((s) => ({ AlarmName: `${ENDPOINT}-${s}` }));
const TOPIC = /^arn:aws:sns:us-east-1:111111111111:/;

/** The deploy state machine of a stage's model, as CDK synthesized it. */
function deployAsl(stage: string | StageConfigInput, model = 'churn'): AslDefinition {
  const { stage: gantryStage } = testStage(stage);
  const template = (s: Parameters<typeof Template.fromStack>[0]) => Template.fromStack(s).toJSON();
  return resolveAsl(template(gantryStage.models.get(model)!), '/Deploy/StateMachine/', { producers: [template(gantryStage.data), template(gantryStage.runtime)] }).definition;
}

type Statuses = Array<{ status: string; config?: 'new' | 'old' }>;

describe('deploy workflow, executed locally from the synthesized ASL', () => {
  const sagemaker = mockClient(SageMakerClient);
  let prodAsl: AslDefinition;
  let devAsl: AslDefinition;
  let registry: DynamoRegistry;
  let requests: Record<string, any[]>;

  beforeAll(() => {
    prodAsl = deployAsl('prod');
    devAsl = deployAsl('dev');
  });

  beforeEach(async () => {
    const { client, tableName } = await localRegistryTable(dynamoClient());
    registry = new DynamoRegistry({ client, tableName });
    requests = {};
    sagemaker.reset();
  });
  afterEach(() => sagemaker.reset());

  async function approvedVersion(n = 1): Promise<number> {
    const v = await registry.register({
      model: 'churn',
      artifactUri: `s3://artifacts/models/churn/train-${n}/output/model.tar.gz`,
      compiledArtifactUri: `s3://artifacts/compiled/churn/neo-${n}/model-ml_inf2.tar.gz`,
      imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:2.5.1',
      metrics: { auc: 0.9 },
      hyperparameters: {},
      dataInputs: [],
      createdBy: 'test',
    });
    await registry.approve('churn', v.version, 'test');
    return v.version;
  }

  /** The endpoint as the deploy function sees it before the run: absent, or in service on a version's config. */
  function endpointBefore(config: string | undefined, instanceType = 'ml.inf2.xlarge', endpoint = ENDPOINT): void {
    if (config === undefined) {
      sagemaker.on(DescribeEndpointCommand).rejects(Object.assign(new Error(`Could not find endpoint "${endpoint}".`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    } else {
      sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: endpoint, EndpointConfigName: config, EndpointStatus: 'InService', EndpointArn: `arn:aws:sagemaker:us-east-1:111111111111:endpoint/${endpoint}`, CreationTime: new Date(), LastModifiedTime: new Date() });
      sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: config, ProductionVariants: [{ VariantName: 'primary', ModelName: config, InstanceType: instanceType as never, InitialInstanceCount: 1 }], EndpointConfigArn: 'arn', CreationTime: new Date() });
    }
  }

  /** Stand-ins for the SageMaker and Application Auto Scaling tasks; the functions are the real handlers. */
  function fakes(statuses: Statuses = [{ status: 'Creating' }, { status: 'InService', config: 'new' }], oldConfig = 'gantry-prod-churn-v1-00000000'): Record<string, TaskOverride> {
    const record = (state: string) => async (input: unknown) => {
      (requests[state] ??= []).push(input);
      return {};
    };
    const queue = [...statuses];
    const deploy = deployHandler({ registry, sagemaker: new SageMakerClient({ region: 'us-east-1' }) });
    const recordEvent = recordEventHandler({ registry });
    return {
      Prepare: deploy,
      Promote: deploy,
      RecordFailure: recordEvent,
      CreateModel: record('CreateModel'),
      CreateEndpointConfig: record('CreateEndpointConfig'),
      CreateEndpoint: record('CreateEndpoint'),
      UpdateEndpoint: record('UpdateEndpoint'),
      UpdateEndpointCanary: record('UpdateEndpointCanary'),
      UpdateEndpointLinear: record('UpdateEndpointLinear'),
      UpdateEndpointAllAtOnce: record('UpdateEndpointAllAtOnce'),
      UpdateEndpointRollback: record('UpdateEndpointRollback'),
      DeregisterScalableTarget: record('DeregisterScalableTarget'),
      RegisterScalableTarget: record('RegisterScalableTarget'),
      PutScalingPolicy: record('PutScalingPolicy'),
      NotifyDeployed: record('NotifyDeployed'),
      NotifyFailure: record('NotifyFailure'),
      NotifyRefused: record('NotifyRefused'),
      DeleteFailedEndpoint: record('DeleteFailedEndpoint'),
      RecreateEndpoint: record('RecreateEndpoint'),
      DescribeDeletion: deploy,
      RecordEndpointDeleted: deploy,
      RecordEndpointRecreated: deploy,
      DescribeEndpoint: async (input: any) => {
        (requests.DescribeEndpoint ??= []).push(input);
        const next = queue.length > 1 ? queue.shift()! : queue[0]!;
        const created = requests.CreateEndpointConfig?.[0]?.EndpointConfigName as string | undefined;
        return { EndpointName: input.EndpointName, EndpointStatus: next.status, EndpointConfigName: next.config === 'new' ? created : oldConfig };
      },
    };
  }

  // Named as deployed: the ExecutionId tag of what an execution creates names its state machine.
  const run = (asl: AslDefinition, input: DeployInput | Record<string, unknown>, overrides: Record<string, TaskOverride>, stateMachineName = 'gantry-prod-churn-deploy') =>
    runStateMachine(asl, input, { overrides, executionName: 'deploy-1', stateMachineName });

  it('creates the model, its config and the endpoint on the first deployment, scales it, and promotes the version', async () => {
    await approvedVersion();
    endpointBefore(undefined);
    const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(sagemaker.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input)).toEqual([{ EndpointName: ENDPOINT }]);

    const model = requests.CreateModel![0];
    const name = model.ModelName as string;
    expect(name).toMatch(/^gantry-prod-churn-v1-[0-9a-f]{8}$/);
    expect(model).toEqual({
      ModelName: name,
      ExecutionRoleArn: expect.stringMatching(/^arn:aws:iam::111111111111:role\/.*EndpointRole/),
      PrimaryContainer: {
        Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-neuronx:2.5.1',
        // inf2 serves the Neuron-compiled artifact.
        ModelDataUrl: 's3://artifacts/compiled/churn/neo-1/model-ml_inf2.tar.gz',
        Environment: { GANTRY_MODEL_VERSION: '1', GANTRY_MODEL: 'churn', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_CONTAINER_LOG_LEVEL: '20' },
      },
      EnableNetworkIsolation: false,
      // prod has a VPC: the containers run in its private subnets.
      VpcConfig: { Subnets: [expect.any(String), expect.any(String)], SecurityGroupIds: [expect.any(String)] },
      Tags: expect.any(Array),
    });
    const config = requests.CreateEndpointConfig![0];
    expect(config).toEqual({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'primary', ModelName: name, InstanceType: 'ml.inf2.xlarge', InitialInstanceCount: 2 }],
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: expect.stringMatching(/^s3:\/\/[^/]+$/),
        KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
      },
      KmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
      Tags: expect.any(Array),
    });
    expect(requests.CreateEndpoint).toEqual([{ EndpointName: ENDPOINT, EndpointConfigName: name, Tags: expect.any(Array) }]);
    for (const state of ['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']) {
      const tags = requests[state]![0].Tags as Array<{ Key: string; Value: string }>;
      expect(tags.map((t) => t.Key).sort(), state).toEqual([...COST_TAG_KEYS, 'ExecutionId'].sort());
      expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toMatchObject({ CostCenter: 'CC-1001', Team: 'growth-ml', Project: 'gantry', Environment: 'prod', Model: 'churn', ExecutionId: expect.stringContaining('deploy-1') });
    }
    expect(requests.UpdateEndpointCanary).toBeUndefined();

    expect(requests.RegisterScalableTarget).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        ResourceId: 'endpoint/gantry-prod-churn/variant/primary',
        MinCapacity: 2,
        MaxCapacity: 4,
        Tags: { CostCenter: 'CC-1001', Team: 'growth-ml', Project: 'gantry', Environment: 'prod', Model: 'churn' },
      },
    ]);
    expect(requests.PutScalingPolicy).toEqual([
      {
        ServiceNamespace: 'sagemaker',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        ResourceId: 'endpoint/gantry-prod-churn/variant/primary',
        PolicyName: 'gantry-prod-churn-invocations',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 200, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleOutCooldown: 60, ScaleInCooldown: 300 },
      },
    ]);
    expect(await registry.pointers('churn')).toEqual({ production: 1 });
    expect((await registry.history('churn')).at(-1)).toMatchObject({ type: 'Promoted', version: 1 });
    expect(requests.NotifyDeployed).toEqual([
      {
        TopicArn: expect.stringMatching(TOPIC),
        Subject: 'Gantry: churn deployed',
        Message: { model: 'churn', endpoint: ENDPOINT, execution: expect.stringContaining('deploy-1'), deployment: expect.objectContaining({ version: 1, strategy: 'canary', rollback: false, endpointExists: false, resourceName: name }) },
      },
    ]);
    expect(requests.NotifyDeployed![0].Message.deployment.previousVersion).toBeUndefined();
  });

  it('updates a live endpoint with a canary blue/green deployment that rolls back on the endpoint alarms', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 2 }, fakes([{ status: 'Updating' }, { status: 'Updating' }, { status: 'InService', config: 'new' }]));
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.CreateEndpoint).toBeUndefined();
    expect(requests.DeregisterScalableTarget).toBeUndefined();
    const name = requests.CreateModel![0].ModelName as string;
    expect(requests.UpdateEndpointCanary).toEqual([
      {
        EndpointName: ENDPOINT,
        EndpointConfigName: name,
        RetainAllVariantProperties: true,
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 },
            TerminationWaitInSeconds: 300,
            MaximumExecutionTimeoutInSeconds: 5400,
          },
          AutoRollbackConfiguration: { Alarms: ALARMS },
        },
      },
    ]);
    expect(requests.DescribeEndpoint).toHaveLength(3);
    expect(await registry.pointers('churn')).toEqual({ production: 2, lastGood: 1 });
  });

  it('takes the strategy from the input: linear steps of 20 %', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 2, strategy: 'linear' }, fakes([{ status: 'InService', config: 'new' }]));
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.UpdateEndpointLinear![0].DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 }, WaitIntervalInSeconds: 600 },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 5400,
      },
      AutoRollbackConfiguration: { Alarms: ALARMS },
    });
  });

  it('deregisters autoscaling before an update that changes the instance type', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000', 'ml.inf2.8xlarge');
    const trace = await run(prodAsl, { model: 'churn', version: 2, strategy: 'all-at-once' }, fakes([{ status: 'InService', config: 'new' }]));
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.DeregisterScalableTarget).toEqual([{ ServiceNamespace: 'sagemaker', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', ResourceId: 'endpoint/gantry-prod-churn/variant/primary' }]);
    expect(requests.UpdateEndpointAllAtOnce![0].DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({ Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 });
    expect(requests.RegisterScalableTarget).toHaveLength(1);
  });

  it('records a failure and leaves the production pointer alone when the endpoint fails', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 2 }, fakes([{ status: 'Updating' }, { status: 'Failed', config: 'new' }]));
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('EndpointFailed');
    expect(trace.cause).toBe('gantry-prod-churn is Failed after deploying version 2; see its FailureReason (gantry status)');
    expect(requests.RegisterScalableTarget).toBeUndefined();
    expect(await registry.pointers('churn')).toEqual({ production: 1 });
    expect((await registry.getVersion('churn', 2)).status).toBe('Approved');
    expect((await registry.history('churn')).at(-1)).toMatchObject({ type: 'Failed', version: 2, reason: 'EndpointFailed', details: { error: 'EndpointFailed', cause: trace.cause } });
    expect(requests.NotifyFailure).toEqual([
      { TopicArn: expect.stringMatching(TOPIC), Subject: 'Gantry: deployment of churn failed', Message: { model: 'churn', execution: expect.stringContaining('deploy-1'), error: 'EndpointFailed', cause: trace.cause } },
    ]);
  });

  it("records a failure when SageMaker's guardrails roll the canary back", async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 2 }, fakes([{ status: 'Updating' }, { status: 'RollingBack' }, { status: 'InService', config: 'old' }]));
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('RolledBackByGuardrails');
    expect(trace.cause).toContain('gantry-prod-churn-v1-00000000');
    expect(await registry.pointers('churn')).toEqual({ production: 1 });
  });

  it('gives up after the bounded number of polls when the endpoint never comes back in service', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-prod-churn-v1-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 2 }, fakes([{ status: 'Updating' }]));
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('DeploymentTimeout');
    // timeoutMinutes 90 at one poll a minute.
    expect(requests.DescribeEndpoint).toHaveLength(91);
    expect(await registry.pointers('churn')).toEqual({ production: 1 });
    expect((await registry.history('churn')).at(-1)).toMatchObject({ type: 'Failed', version: 2, reason: 'DeploymentTimeout' });
  });

  it('rolls back to last-good all at once, without auto-rollback alarms, and marks the bad version RolledBack', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    await registry.promote('churn', 2, 'test');
    endpointBefore('gantry-prod-churn-v2-00000000');
    const trace = await run(prodAsl, { model: 'churn', version: 1, rollback: true, reason: 'latency alarm', requestedBy: 'gantry-rollback' }, fakes([{ status: 'Updating' }, { status: 'InService', config: 'new' }], 'gantry-prod-churn-v2-00000000'));
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.UpdateEndpointCanary).toBeUndefined();
    expect(requests.UpdateEndpointRollback).toEqual([
      {
        EndpointName: ENDPOINT,
        EndpointConfigName: expect.stringMatching(/^gantry-prod-churn-v1-[0-9a-f]{8}$/),
        RetainAllVariantProperties: true,
        // The alarms that caused the rollback are still in ALARM: they must not undo it.
        DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 0, MaximumExecutionTimeoutInSeconds: 5400 } },
      },
    ]);
    expect(await registry.pointers('churn')).toEqual({ production: 1 });
    expect((await registry.getVersion('churn', 2)).status).toBe('RolledBack');
    expect((await registry.history('churn')).at(-1)).toMatchObject({ type: 'RolledBack', version: 1, previousVersion: 2, actor: 'gantry-rollback', reason: 'latency alarm' });
  });

  it('refuses a version that is not approved: no SageMaker request, no registry change, a notification', async () => {
    await registry.register({ model: 'churn', artifactUri: 's3://artifacts/models/churn/m.tar.gz', imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1', metrics: {}, hyperparameters: {}, dataInputs: [], createdBy: 'test' });
    const before = await registry.history('churn');
    endpointBefore(undefined);
    const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('VersionNotDeployable');
    expect(trace.cause).toMatch(/Registered/);
    expect(Object.keys(requests).sort()).toEqual(['NotifyRefused']);
    expect(requests.NotifyRefused![0]).toMatchObject({ Subject: 'Gantry: deployment of churn refused' });
    expect(await registry.history('churn')).toEqual(before);
  });

  it('refuses malformed input by name', async () => {
    const trace = await run(prodAsl, { model: 'churn', version: 'two' }, fakes());
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('InvalidDeployInput');
    expect(trace.cause).toMatch(/version/);
    expect(requests.CreateModel).toBeUndefined();
  });

  it('deploys a serverless model without data capture, volume key, guardrails or autoscaling', async () => {
    await approvedVersion(1);
    await registry.promote('churn', 1, 'test');
    await approvedVersion(2);
    endpointBefore('gantry-dev-churn-v1-00000000', undefined, 'gantry-dev-churn');
    const trace = await run(devAsl, { model: 'churn', version: 2 }, fakes([{ status: 'InService', config: 'new' }]));
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    const name = requests.CreateModel![0].ModelName as string;
    expect(name).toMatch(/^gantry-dev-churn-v2-[0-9a-f]{8}$/);
    expect(requests.CreateModel![0].PrimaryContainer.ModelDataUrl).toBe('s3://artifacts/models/churn/train-2/output/model.tar.gz');
    expect(requests.CreateModel![0].VpcConfig).toBeUndefined();
    expect(requests.CreateEndpointConfig![0]).toEqual({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'primary', ModelName: name, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }],
      Tags: expect.any(Array),
    });
    expect(requests.UpdateEndpoint).toEqual([{ EndpointName: 'gantry-dev-churn', EndpointConfigName: name }]);
    expect(requests.RegisterScalableTarget).toBeUndefined();
    expect(trace.statesEntered).not.toContain('Strategy');
    expect(await registry.pointers('churn')).toEqual({ production: 2, lastGood: 1 });
  });

  describe('a Failed endpoint', () => {
    const EXECUTION = 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-1';
    const ENDPOINT_ARN = `arn:aws:sagemaker:us-east-1:111111111111:endpoint/${ENDPOINT}`;
    const FAILED_CONFIG = 'gantry-prod-churn-v1-0badc0de';
    const REASON = 'The primary container for production variant primary did not pass the ping health check. Please check CloudWatch logs for this endpoint.';
    // What CreateEndpoint of an earlier execution of this workflow tagged it with.
    const OURS = { CostCenter: 'CC-1001', Team: 'growth-ml', Project: 'gantry', Environment: 'prod', Model: 'churn', ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-0' };
    const notFound = () => Object.assign(new Error(`Could not find endpoint "${ENDPOINT}".`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

    /**
     * The endpoint as the deploy function sees it: Failed with `tags` when prepare reads it,
     * then `deletion` answers to its probes (the last one repeats), `undefined` for gone.
     */
    function endpointFailed(tags: Record<string, string>, deletion: Array<string | undefined> = ['Deleting', undefined]): void {
      const describe = sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointName: ENDPOINT, EndpointArn: ENDPOINT_ARN, EndpointStatus: 'Failed', EndpointConfigName: FAILED_CONFIG, FailureReason: REASON, CreationTime: new Date(), LastModifiedTime: new Date() });
      const answer = (status: string | undefined) => (status === undefined ? { rejects: notFound() } : { resolves: { EndpointName: ENDPOINT, EndpointArn: ENDPOINT_ARN, EndpointStatus: status as never, EndpointConfigName: FAILED_CONFIG, CreationTime: new Date() } });
      for (const status of deletion.slice(0, -1)) {
        const a = answer(status);
        if ('rejects' in a) describe.rejectsOnce(a.rejects);
        else describe.resolvesOnce(a.resolves);
      }
      const last = answer(deletion.at(-1));
      if ('rejects' in last) describe.rejects(last.rejects);
      else describe.resolves(last.resolves);
      sagemaker.on(ListTagsCommand).resolves({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
    }

    const sdkCalls = () => sagemaker.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);

    it('deletes the Failed endpoint it created, waits until it is gone, creates it again and promotes, recording both', async () => {
      await approvedVersion(1);
      endpointFailed(OURS, ['Deleting', 'Deleting', undefined]);
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
      expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
      const name = requests.CreateModel![0].ModelName as string;

      // The deploy function: DescribeEndpoint and ListTags to plan, then DescribeEndpoint per poll.
      expect(sdkCalls()).toEqual([
        ['DescribeEndpointCommand', { EndpointName: ENDPOINT }],
        ['ListTagsCommand', { ResourceArn: ENDPOINT_ARN }],
        ['DescribeEndpointCommand', { EndpointName: ENDPOINT }],
        ['DescribeEndpointCommand', { EndpointName: ENDPOINT }],
        ['DescribeEndpointCommand', { EndpointName: ENDPOINT }],
      ]);
      expect(requests.DeleteFailedEndpoint).toEqual([{ EndpointName: ENDPOINT }]);
      expect(requests.RecreateEndpoint).toEqual([
        {
          EndpointName: ENDPOINT,
          EndpointConfigName: name,
          Tags: [
            { Key: 'CostCenter', Value: 'CC-1001' },
            { Key: 'Team', Value: 'growth-ml' },
            { Key: 'Project', Value: 'gantry' },
            { Key: 'Environment', Value: 'prod' },
            { Key: 'Model', Value: 'churn' },
            { Key: 'ExecutionId', Value: EXECUTION },
          ],
        },
      ]);
      expect(requests.CreateEndpoint).toBeUndefined();
      expect(requests.UpdateEndpointCanary).toBeUndefined();
      expect(trace.statesEntered.filter((s) => ['DeleteFailedEndpoint', 'WaitForDeletion', 'RecordEndpointDeleted', 'RecreateEndpoint', 'RecordEndpointRecreated', 'StartPolling', 'RegisterScalableTarget', 'Promote'].includes(s))).toEqual([
        'DeleteFailedEndpoint',
        'WaitForDeletion',
        'WaitForDeletion',
        'WaitForDeletion',
        'RecordEndpointDeleted',
        'RecreateEndpoint',
        'RecordEndpointRecreated',
        'StartPolling',
        'RegisterScalableTarget',
        'Promote',
      ]);

      const history = await registry.history('churn');
      expect(history.slice(-3)).toEqual([
        { model: 'churn', seq: 3, at: expect.any(String), type: 'EndpointDeleted', version: 1, actor: EXECUTION, reason: REASON, details: { endpoint: ENDPOINT, failedConfig: FAILED_CONFIG } },
        { model: 'churn', seq: 4, at: expect.any(String), type: 'EndpointRecreated', version: 1, actor: EXECUTION, reason: `created again on ${name}`, details: { endpoint: ENDPOINT, config: name } },
        expect.objectContaining({ seq: 5, type: 'Promoted', version: 1 }),
      ]);
      expect(await registry.pointers('churn')).toEqual({ production: 1 });
      expect(requests.NotifyDeployed![0].Message.deployment).toMatchObject({ version: 1, endpointExists: false, failedEndpoint: { configName: FAILED_CONFIG, failureReason: REASON } });
    });

    it('replaces a serverless endpoint the same way, without autoscaling', async () => {
      await approvedVersion(1);
      const endpoint = 'gantry-dev-churn';
      sagemaker.on(DescribeEndpointCommand).resolvesOnce({ EndpointName: endpoint, EndpointArn: `arn:aws:sagemaker:us-east-1:111111111111:endpoint/${endpoint}`, EndpointStatus: 'Failed', EndpointConfigName: 'gantry-dev-churn-v1-0badc0de' }).rejects(notFound());
      sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'Model', Value: 'churn' }, { Key: 'ExecutionId', Value: 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-0' }] });
      const trace = await run(devAsl, { model: 'churn', version: 1 }, fakes([{ status: 'InService', config: 'new' }]), 'gantry-dev-churn-deploy');
      expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
      expect(requests.DeleteFailedEndpoint).toEqual([{ EndpointName: endpoint }]);
      expect(requests.RecreateEndpoint).toEqual([{ EndpointName: endpoint, EndpointConfigName: requests.CreateModel![0].ModelName, Tags: expect.any(Array) }]);
      expect(requests.RegisterScalableTarget).toBeUndefined();
      expect((await registry.history('churn')).slice(-3).map((e) => e.type)).toEqual(['EndpointDeleted', 'EndpointRecreated', 'Promoted']);
    });

    it.each<[string, Record<string, string>, string]>([
      ['with no tags (made by hand)', {}, 'it has no Model tag'],
      ["tagged for another model", { ...OURS, Model: 'fraud' }, 'its Model tag is "fraud", not "churn"'],
      ["created by the dev stage's workflow", { ...OURS, ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-0' }, 'is not an execution of this deploy workflow'],
    ])('refuses a Failed endpoint %s: nothing deleted, no registry event, a notification', async (_case, tags, why) => {
      await approvedVersion(1);
      endpointFailed(tags);
      const before = await registry.history('churn');
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
      expect(trace.status).toBe('FAILED');
      expect(trace.error).toBe('EndpointFailed');
      expect(trace.cause).toContain(why);
      expect(trace.cause).toContain(`delete it by hand (aws sagemaker delete-endpoint --endpoint-name ${ENDPOINT}), then deploy again`);
      expect(Object.keys(requests)).toEqual(['NotifyRefused']);
      expect(sdkCalls()).toEqual([
        ['DescribeEndpointCommand', { EndpointName: ENDPOINT }],
        ['ListTagsCommand', { ResourceArn: ENDPOINT_ARN }],
      ]);
      expect(await registry.history('churn')).toEqual(before);
    });

    it('gives up when the deletion does not finish within 30 minutes, recording the failure', async () => {
      await approvedVersion(1);
      endpointFailed(OURS, ['Deleting']);
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
      expect(trace.status).toBe('FAILED');
      expect(trace.error).toBe('EndpointDeletionTimeout');
      expect(trace.cause).toBe(`${ENDPOINT} still Deleting after 30 polls (30 minutes) of its deletion, deploying version 1; deploy again once it is gone`);
      // One poll a minute: the first and 30 more.
      expect(trace.statesEntered.filter((s) => s === 'DescribeDeletion')).toHaveLength(31);
      expect(requests.RecreateEndpoint).toBeUndefined();
      const history = await registry.history('churn');
      expect(history.map((e) => e.type)).not.toContain('EndpointDeleted');
      expect(history.at(-1)).toMatchObject({ type: 'Failed', version: 1, reason: 'EndpointDeletionTimeout', details: { error: 'EndpointDeletionTimeout', cause: trace.cause } });
      expect(requests.NotifyFailure![0].Message).toEqual({ model: 'churn', execution: EXECUTION, error: 'EndpointDeletionTimeout', cause: trace.cause });
    });

    it('fails when the endpoint comes back in another status while it is deleted: something else created it', async () => {
      await approvedVersion(1);
      endpointFailed(OURS, ['Deleting', 'Creating']);
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes());
      expect(trace.status).toBe('FAILED');
      expect(trace.error).toBe('EndpointReappeared');
      expect(trace.cause).toBe(`${ENDPOINT} is Creating while the Failed endpoint was being deleted to deploy version 1: something else created it; see gantry status`);
      expect(requests.RecreateEndpoint).toBeUndefined();
      expect((await registry.history('churn')).at(-1)).toMatchObject({ type: 'Failed', version: 1, reason: 'EndpointReappeared' });
    });

    it('appends each event once when a record task is retried after its write committed', async () => {
      await approvedVersion(1);
      endpointFailed(OURS);
      const overrides = fakes();
      let attempts = 0;
      overrides.RecordEndpointDeleted = async (payload) => {
        const result = await overrides.DescribeDeletion!(payload);
        // The write committed, but Lambda's answer was lost: Step Functions retries the task.
        if (++attempts === 1) throw Object.assign(new Error('connection reset'), { name: 'Lambda.ServiceException' });
        return result;
      };
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, overrides);
      expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
      expect(attempts).toBe(2);
      expect(trace.retries).toContainEqual(expect.objectContaining({ state: 'RecordEndpointDeleted', attempt: 1 }));
      expect((await registry.history('churn')).map((e) => e.type)).toEqual(['Registered', 'Approved', 'EndpointDeleted', 'EndpointRecreated', 'Promoted']);
    });

    it('leaves the endpoint Failed again as a failure of this execution: no second deletion', async () => {
      await approvedVersion(1);
      endpointFailed(OURS);
      const trace = await run(prodAsl, { model: 'churn', version: 1 }, fakes([{ status: 'Creating' }, { status: 'Failed', config: 'new' }]));
      expect(trace.status).toBe('FAILED');
      expect(trace.error).toBe('EndpointFailed');
      expect(trace.cause).toBe('gantry-prod-churn is Failed after deploying version 1; see its FailureReason (gantry status)');
      expect(requests.DeleteFailedEndpoint).toHaveLength(1);
      expect(trace.statesEntered.filter((s) => s === 'Prepare')).toHaveLength(1);
      expect((await registry.history('churn')).slice(-3).map((e) => e.type)).toEqual(['EndpointDeleted', 'EndpointRecreated', 'Failed']);
      expect(await registry.pointers('churn')).toEqual({});
    });
  });

  it('is a valid JSONPath state machine definition', () => {
    expect(prodAsl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(Object.keys(prodAsl.States)).toEqual(
      expect.arrayContaining([
        'Prepare', 'CreateModel', 'CreateEndpointConfig', 'EndpointExists', 'CreateEndpoint', 'Strategy', 'WaitForEndpoint', 'DescribeEndpoint', 'EndpointStatus', 'RegisterScalableTarget', 'PutScalingPolicy', 'Promote', 'NotifyDeployed', 'RecordFailure',
        'DeleteFailedEndpoint', 'WaitForDeletion', 'DescribeDeletion', 'DeletionStatus', 'RecordEndpointDeleted', 'RecreateEndpoint', 'RecordEndpointRecreated',
      ]),
    );
  });
});


