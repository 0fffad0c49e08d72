import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../../../lambdas/adapters/dynamo-registry';
import { makeHandler as baselineHandler } from '../../../../lambdas/baseline/handler';
import { makeHandler as evaluateHandler } from '../../../../lambdas/evaluate/handler';
import { makeHandler as gateHandler } from '../../../../lambdas/gate/handler';
import { makeHandler as recordEventHandler } from '../../../../lambdas/record-event/handler';
import { makeHandler as registerHandler } from '../../../../lambdas/register/handler';
import { makeHandler as validateDataHandler } from '../../../../lambdas/validate-data/handler';
import { STAGES, type StageConfigInput } from '../../../../lib/config';
import type { Baseline } from '../../../../lib/contract';
import { testStage } from '../../../support/app';
import { dynamoClient, s3Client, uniqueName } from '../../../support/engines';
import { localRegistryTable } from '../../../support/local-data';
import { resolveAsl, runStateMachine, type AslDefinition, type TaskOverride } from '../../../../tools/local/state-machine';
import { tarGz } from '../../../support/tar';

const NOTIFY_TOPIC = /^arn:aws:sns:us-east-1:111111111111:/;

/** The training state machine of a stage's model, as CDK synthesized it, with its buckets renamed to s3rver's. */
function pipelineAsl(stage: string | StageConfigInput, model: string, buckets: { curated: string; artifacts: string }): AslDefinition {
  const { stage: gantryStage } = testStage(stage);
  const template = (s: Parameters<typeof Template.fromStack>[0]) => Template.fromStack(s).toJSON();
  const { definition } = resolveAsl(template(gantryStage.models.get(model)!), '/Training/StateMachine/', { producers: [template(gantryStage.data), template(gantryStage.runtime)] });
  const states = definition.States as Record<string, any>;
  const curated = /^s3:\/\/([^/]+)\//.exec(states.ApplyDefaults.Parameters.defaults.dataUri)![1]!;
  const artifacts = /^s3:\/\/([^/]+)\//.exec(states.Train.Parameters.OutputDataConfig.S3OutputPath)![1]!;
  const text = JSON.stringify(definition).split(curated).join(buckets.curated).split(artifacts).join(buckets.artifacts);
  return JSON.parse(text) as AslDefinition;
}

const TRAINING_CSV = ['label,tenure_months,monthly_spend,support_tickets_30d,logins_30d,plan_tier', ...Array.from({ length: 200 }, (_, i) => `${i % 2},${i % 48},${(i * 7) % 300}.5,${i % 5},${i % 30},${['basic', 'gold', 'platinum'][i % 3]}`)].join('\n');

interface Scenario {
  metrics?: Record<string, number>;
  trainFailures?: string[];
  compileStatuses?: string[];
}

describe('training pipeline, executed locally from the synthesized ASL', () => {
  let s3: S3Client;
  let curated: string;
  let artifacts: string;
  let prodAsl: AslDefinition;
  let neoAsl: AslDefinition;
  let gpuAsl: AslDefinition;
  let autoAsl: AslDefinition;
  let registry: DynamoRegistry;
  let published: Array<Record<string, unknown>>;
  let requests: Record<string, unknown[]>;

  beforeAll(async () => {
    s3 = s3Client();
    curated = uniqueName('curated');
    artifacts = uniqueName('artifacts');
    await Promise.all([curated, artifacts].map((Bucket) => s3.send(new CreateBucketCommand({ Bucket }))));
    await s3.send(new PutObjectCommand({ Bucket: curated, Key: 'churn/2026-11-01.csv', Body: TRAINING_CSV }));
    await s3.send(new PutObjectCommand({ Bucket: curated, Key: 'empty/data.csv', Body: '' }));
    prodAsl = pipelineAsl('prod', 'churn', { curated, artifacts });
    // Neo compiles for ml_inf2 only PyTorch 1.13 (and TensorFlow 2.10), in us-east-2.
    const neo = structuredClone(STAGES.prod) as StageConfigInput & { region: string; models: Array<Record<string, any>> };
    neo.region = 'us-east-2';
    neo.models[0]!.framework = { name: 'pytorch', version: '1.13' };
    neo.models[0]!.serving = { ...neo.models[0]!.serving, compiler: 'neo' };
    neoAsl = pipelineAsl(neo, 'churn', { curated, artifacts });
    const gpu = structuredClone(STAGES.prod) as StageConfigInput & { models: Array<Record<string, unknown>> };
    gpu.models[0]!.serving = { target: 'gpu', instanceType: 'ml.g5.xlarge' };
    gpuAsl = pipelineAsl(gpu, 'churn', { curated, artifacts });
    const auto = structuredClone(gpu);
    (auto.models[0] as Record<string, unknown>).training = { ...(auto.models[0]!.training as Record<string, unknown>), approval: 'auto' };
    auto.models[0]!.serving = { target: 'gpu', instanceType: 'ml.g5.xlarge', autoDeploy: true };
    autoAsl = pipelineAsl(auto, 'churn', { curated, artifacts });
  });

  beforeEach(async () => {
    // A fresh registry per run: the model name is baked into the ASL.
    const { client, tableName } = await localRegistryTable(dynamoClient());
    registry = new DynamoRegistry({ client, tableName });
    published = [];
    requests = {};
  });

  afterAll(() => s3?.destroy());

  /** SageMaker stand-ins that write what the real jobs would write, and answer with Describe*-shaped results. */
  function fakes(scenario: Scenario = {}): Record<string, TaskOverride> {
    const record = (state: string, input: unknown) => (requests[state] ??= []).push(input);
    const trainFailures = [...(scenario.trainFailures ?? [])];
    const compileStatuses = [...(scenario.compileStatuses ?? ['INPROGRESS', 'COMPLETED'])];
    const put = (uri: string, Body: string | Buffer) => {
      const [, Bucket, Key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
      return s3.send(new PutObjectCommand({ Bucket, Key, Body }));
    };
    const handlers = {
      validateData: validateDataHandler({ s3 }),
      baseline: baselineHandler({ s3 }),
      evaluate: evaluateHandler({ s3 }),
      gate: gateHandler({ registry }),
      register: registerHandler({ registry }),
      recordEvent: recordEventHandler({ registry }),
    };
    return {
      ValidateData: handlers.validateData,
      Baseline: handlers.baseline,
      Evaluate: handlers.evaluate,
      QualityGate: handlers.gate,
      Register: handlers.register,
      RecordFailure: handlers.recordEvent,
      RecordGateFailure: handlers.recordEvent,
      Preprocess: async (input: any) => {
        record('Preprocess', input);
        const out = (name: string) => input.ProcessingOutputConfig.Outputs.find((o: any) => o.OutputName === name).S3Output.S3Uri as string;
        await put(`${out('train')}train.csv`, TRAINING_CSV);
        await put(`${out('validation')}validation.csv`, TRAINING_CSV);
        return { ProcessingJobName: input.ProcessingJobName, ProcessingJobArn: `arn:aws:sagemaker:us-east-1:111111111111:processing-job/${input.ProcessingJobName}`, ProcessingJobStatus: 'Completed' };
      },
      Train: async (input: any) => {
        record('Train', input);
        const failure = trainFailures.shift();
        if (failure) throw Object.assign(new Error(`${failure}: simulated`), { name: failure });
        const prefix = `${input.OutputDataConfig.S3OutputPath}${input.TrainingJobName}/output/`;
        const evaluation = JSON.stringify({ metrics: scenario.metrics ?? { auc: 0.91, logloss: 0.31, accuracy: 0.86 } });
        const predictions = ['prediction', ...Array.from({ length: 100 }, (_, i) => (i / 100).toFixed(2))].join('\n');
        await put(`${prefix}output.tar.gz`, tarGz([{ name: 'evaluation.json', body: evaluation }, { name: 'predictions.csv', body: predictions }]));
        return {
          TrainingJobName: input.TrainingJobName,
          TrainingJobArn: `arn:aws:sagemaker:us-east-1:111111111111:training-job/${input.TrainingJobName}`,
          TrainingJobStatus: 'Completed',
          SecondaryStatus: 'Completed',
          ModelArtifacts: { S3ModelArtifacts: `${prefix}model.tar.gz` },
          BillableTimeInSeconds: 600,
        };
      },
      Compile: async (input: any) => {
        record('Compile', input);
        return { CompilationJobArn: `arn:aws:sagemaker:us-east-1:111111111111:compilation-job/${input.CompilationJobName}` };
      },
      DescribeCompilation: async (input: any) => {
        record('DescribeCompilation', input);
        const status = compileStatuses.length > 1 ? compileStatuses.shift()! : compileStatuses[0]!;
        return {
          CompilationJobName: input.CompilationJobName,
          CompilationJobStatus: status,
          ModelArtifacts: { S3ModelArtifacts: `s3://${artifacts}/compiled/churn/${input.CompilationJobName}/model-ml_inf2.tar.gz` },
          FailureReason: status === 'FAILED' ? 'Neuron could not trace the model' : '',
        };
      },
      // Prod waits for approval; unless a test says otherwise, the approver says yes.
      RequestApproval: async () => ({ approved: true }),
      NotifyFailure: async (input: any) => {
        published.push(input);
        return { MessageId: 'm-1' };
      },
    };
  }

  it('trains, compiles for Inferentia with Neo, baselines, gates and registers version 1 with the full lineage', async () => {
    const trace = await runStateMachine(neoAsl, { reason: 'manual', hyperparameters: { epochs: '5' } }, { overrides: fakes(), executionName: 'run-1' });
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(trace.statesEntered).toEqual(expect.arrayContaining(['ValidateData', 'Preprocess', 'Train', 'Compile', 'WaitForCompilation', 'DescribeCompilation', 'CompilationDone', 'Baseline', 'Evaluate', 'QualityGate', 'Register', 'Registered']));
    expect(requests.DescribeCompilation).toHaveLength(2);

    const version = await registry.getVersion('churn', 1);
    const train = requests.Train![0] as any;
    expect(version).toMatchObject({
      model: 'churn',
      version: 1,
      status: 'Registered',
      artifactUri: `s3://${artifacts}/models/churn/${train.TrainingJobName}/output/model.tar.gz`,
      imageUri: expect.stringContaining('pytorch-inference-neuronx'),
      metrics: { auc: 0.91, logloss: 0.31, accuracy: 0.86 },
      trainingJobArn: `arn:aws:sagemaker:us-east-1:111111111111:training-job/${train.TrainingJobName}`,
      compiledArtifactUri: expect.stringMatching(new RegExp(`^s3://${artifacts}/compiled/churn/gantry-prod-churn-neo-`)),
      baselineUri: expect.stringMatching(new RegExp(`^s3://${artifacts}/baselines/churn/`)),
      createdBy: expect.stringContaining('run-1'),
    });
    expect(version.hyperparameters).toMatchObject({ epochs: '5', 'batch-size': '256', sagemaker_program: 'train.py' });
    expect(version.dataInputs).toEqual([expect.objectContaining({ uri: `s3://${curated}/churn/2026-11-01.csv` })]);

    // The training request: spot, checkpoints per execution, merged hyperparameters.
    expect(train).toMatchObject({ EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 14400 }, CheckpointConfig: { S3Uri: `s3://${artifacts}/checkpoints/churn/run-1/` } });
    expect(train.HyperParameters).toMatchObject({ epochs: '5', sagemaker_submit_directory: expect.stringMatching(/sourcedir|\.tar\.gz|^s3:\/\//) });

    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(version.baselineUri!)!;
    const baseline = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()) as Baseline;
    expect(baseline).toMatchObject({ formatVersion: 1, model: 'churn', records: 200 });
    expect(baseline.features.map((f) => [f.name, f.kind])).toEqual([
      ['tenure_months', 'numeric'],
      ['monthly_spend', 'numeric'],
      ['support_tickets_30d', 'numeric'],
      ['logins_30d', 'numeric'],
      ['plan_tier', 'categorical'],
    ]);
    expect(baseline.prediction?.kind).toBe('numeric');
    expect((await registry.history('churn')).map((e) => e.type)).toEqual(['Registered']);
  });

  it('fails the gate without registering, and records GateFailed with the reason', async () => {
    const trace = await runStateMachine(prodAsl, { reason: 'schedule' }, { overrides: fakes({ metrics: { auc: 0.62, logloss: 0.4 } }) });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('GateFailed');
    expect(trace.cause).toMatch(/auc/);
    expect(trace.statesEntered).not.toContain('Register');
    expect(await registry.listVersions('churn')).toEqual([]);
    const history = await registry.history('churn');
    expect(history).toEqual([expect.objectContaining({ type: 'GateFailed', reason: trace.cause })]);
  });

  it('retries training that was throttled once, then succeeds (the optimized integration names a throttle SageMaker.AmazonSageMakerException)', async () => {
    const trace = await runStateMachine(prodAsl, { reason: 'drift' }, { overrides: fakes({ trainFailures: ['SageMaker.AmazonSageMakerException'] }) });
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.Train).toHaveLength(2);
    expect(trace.retries).toEqual([expect.objectContaining({ state: 'Train', errorEquals: ['SageMaker.AmazonSageMakerException'] })]);
    expect(prodAsl.States.Train!.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['SageMaker.AmazonSageMakerException'], MaxAttempts: 3 })]);
    expect((await registry.getVersion('churn', 1)).status).toBe('Registered');
  });

  it('records a failure event and publishes the exact SNS request when training fails for good', async () => {
    const trace = await runStateMachine(prodAsl, { reason: 'manual' }, { overrides: fakes({ trainFailures: ['States.TaskFailed'] }), executionName: 'run-fail' });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('States.TaskFailed');
    expect(requests.Train).toHaveLength(1);
    expect(trace.statesEntered).toEqual(expect.arrayContaining(['RecordFailure', 'NotifyFailure', 'TrainingFailed']));
    expect(await registry.history('churn')).toEqual([expect.objectContaining({ type: 'Failed', reason: 'States.TaskFailed', actor: expect.stringContaining('run-fail') })]);
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({
      TopicArn: expect.stringMatching(NOTIFY_TOPIC),
      Subject: 'Gantry: training of churn failed',
      Message: { model: 'churn', execution: expect.stringContaining('run-fail'), error: 'States.TaskFailed', cause: 'States.TaskFailed: simulated' },
    });
  });

  it('still fails with the original error when the failure notification itself cannot be sent', async () => {
    // Before the fix an SNS error here (e.g. the key denying the role) became the run's error.
    const overrides = {
      ...fakes({ trainFailures: ['States.TaskFailed'] }),
      NotifyFailure: async () => {
        throw Object.assign(new Error('User is not authorized to perform kms:GenerateDataKey'), { name: 'SNS.KMSAccessDeniedException' });
      },
    };
    const trace = await runStateMachine(prodAsl, { reason: 'manual' }, { overrides, executionName: 'run-notify-fails' });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('States.TaskFailed');
    expect(trace.cause).toBe('States.TaskFailed: simulated');
  });

  it('with serving.compiler neuronx (prod), compiles nothing: the Neuron container traces the trained model at load', async () => {
    const trace = await runStateMachine(prodAsl, { reason: 'manual' }, { overrides: fakes(), executionName: 'run-neuronx' });
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(Object.keys(prodAsl.States).filter((s) => s.includes('Compil'))).toEqual([]);
    const version = await registry.getVersion('churn', 1);
    expect(version.compiledArtifactUri).toBeUndefined();
    expect(version.artifactUri).toMatch(/\/models\/churn\/gantry-prod-churn-train-[0-9a-f]{8}\/output\/model\.tar\.gz$/);
  });

  it('takes the failure path when compilation fails', async () => {
    const trace = await runStateMachine(neoAsl, { reason: 'manual' }, { overrides: fakes({ compileStatuses: ['INPROGRESS', 'FAILED'] }) });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('CompilationFailed');
    expect(trace.cause).toMatch(/ended FAILED: Neuron could not trace the model/);
    expect(published).toHaveLength(1);
    expect((await registry.history('churn')).map((e) => e.type)).toEqual(['Failed']);
  });

  it('gives up on a compilation that never ends, after the bounded number of polls', async () => {
    const trace = await runStateMachine(neoAsl, { reason: 'manual' }, { overrides: fakes({ compileStatuses: ['INPROGRESS'] }) });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('CompilationTimeout');
    expect(requests.DescribeCompilation).toHaveLength(41);
  });

  it('skips compilation for a GPU-served model', async () => {
    expect(Object.keys(gpuAsl.States).filter((s) => s.includes('Compil'))).toEqual([]);
    const trace = await runStateMachine(gpuAsl, { reason: 'manual' }, { overrides: fakes() });
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(requests.Compile).toBeUndefined();
    expect((await registry.getVersion('churn', 1)).compiledArtifactUri).toBeUndefined();
  });

  it('with automatic approval and serving.autoDeploy, approves the version that passed the gate and starts its deployment', async () => {
    const deployments: any[] = [];
    const overrides = { ...fakes(), StartDeploy: async (input: any) => (deployments.push(input), { ExecutionArn: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:d-1', StartDate: '2026-11-22T00:00:00Z' }) };
    const trace = await runStateMachine(autoAsl, { reason: 'manual' }, { overrides, executionName: 'run-auto' });
    expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
    expect(trace.statesEntered.slice(-3)).toEqual(['Register', 'StartDeploy', 'Registered']);
    const version = await registry.getVersion('churn', 1);
    expect(version.status).toBe('Approved');
    expect(version.statusReason).toMatch(/auc/);
    expect(deployments).toEqual([
      {
        StateMachineArn: expect.stringMatching(/^arn:aws:states:us-east-1:111111111111:stateMachine:/),
        Input: { model: 'churn', version: 1, reason: 'serving.autoDeploy: deployed after training', requestedBy: expect.stringContaining('run-auto') },
      },
    ]);
    expect((await registry.history('churn')).map((e) => e.type)).toEqual(['Registered', 'Approved']);
  });

  it('without serving.autoDeploy, leaves deployment to a person', () => {
    expect(Object.keys(prodAsl.States)).not.toContain('StartDeploy');
    expect(Object.keys(gpuAsl.States)).not.toContain('StartDeploy');
  });

  it.each([
    [`s3://CURATED/missing/`, 'DataNotFoundError'],
    [`s3://CURATED/empty/`, 'EmptyDataError'],
  ])('fails in the first step when the data at %s is bad (%s)', async (uri, error) => {
    const trace = await runStateMachine(prodAsl, { reason: 'manual', dataUri: uri.replace('CURATED', curated) }, { overrides: fakes() });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe(error);
    expect(requests.Preprocess).toBeUndefined();
    expect((await registry.history('churn')).map((e) => e.type)).toEqual(['Failed']);
  });

  describe('with manual approval (prod)', () => {
    it('publishes the version with a task token and the exact commands, and ends when approved', async () => {
      const approvals: any[] = [];
      const overrides = { ...fakes(), RequestApproval: async (input: any) => (approvals.push(input), { approved: true }) };
      const trace = await runStateMachine(prodAsl, { reason: 'manual' }, { overrides, executionName: 'run-approve' });
      expect(trace.status, `${trace.error}: ${trace.cause}`).toBe('SUCCEEDED');
      expect(approvals).toEqual([
        {
          TopicArn: expect.stringMatching(NOTIFY_TOPIC),
          Subject: 'Gantry: approve churn?',
          Message: {
            model: 'churn',
            version: 1,
            metrics: { auc: 0.91, logloss: 0.31, accuracy: 0.86 },
            gate: expect.any(String),
            taskToken: 'local-task-token',
            approve: 'gantry registry approve --model churn --version 1 --task-token local-task-token',
            reject: 'gantry registry reject --model churn --version 1 --reason TEXT --task-token local-task-token',
          },
        },
      ]);
    });

    it('ends as Rejected when the approver rejects', async () => {
      const overrides = { ...fakes(), RequestApproval: async () => Promise.reject(Object.assign(new Error('churn version 1 rejected by cli:ana'), { name: 'Rejected' })) };
      const trace = await runStateMachine(prodAsl, { reason: 'manual' }, { overrides });
      expect(trace.status).toBe('FAILED');
      expect(trace.error).toBe('Rejected');
      expect(trace.cause).toBe('churn version 1 rejected by cli:ana');
      expect(published).toEqual([]);
    });
  });

  it.each([[{}], [{ reason: 'because' }], [{ reason: 'manual', dataUri: 'https://example.com/data.csv' }]])('refuses the input %j before doing anything', async (input) => {
    const trace = await runStateMachine(prodAsl, input, { overrides: fakes() });
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('InvalidInput');
    expect(trace.calls).toEqual([]);
  });
});
