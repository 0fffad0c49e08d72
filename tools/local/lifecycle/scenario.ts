import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runCli } from '../../../cli/main';
import { defaultClients, type CliClients } from '../../../cli/context';
import { GantryClient } from '../../../client';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import * as baseline from '../../../lambdas/baseline/handler';
import * as deploy from '../../../lambdas/deploy/handler';
import * as drift from '../../../lambdas/drift/handler';
import * as evaluate from '../../../lambdas/evaluate/handler';
import * as gate from '../../../lambdas/gate/handler';
import * as recordEvent from '../../../lambdas/record-event/handler';
import * as register from '../../../lambdas/register/handler';
import * as rollback from '../../../lambdas/rollback/handler';
import * as validate from '../../../lambdas/validate-data/handler';
import { CAPTURE_SETTLE_MINUTES } from '../../../lambdas/core/drift/window';
import { liveVersionAt, type RegistryEvent } from '../../../lambdas/core/registry/model';
import type { TaskOverride } from '../state-machine';
import { startDynamo, startS3rver, stopEngine, type Engine } from '../engines';
import { FakeSageMakerRuntime } from '../fake-sagemaker-runtime';
import { createTablesFromTemplate, type CfnTemplate } from '../template-resources';
import { churnCustomers, PLAN_TIERS, toCsv, type CustomerRow } from './churn-data';
import { FakeSageMaker } from './fake-sagemaker';
import { LocalEventBus } from './local-event-bus';
import { serveLocally, ServiceError } from './local-service';
import { describeFailedExecution, LocalStepFunctions, type LocalExecution } from './local-step-functions';
import { checkPython } from './python-model';
import { loadStage, type LifecycleStage } from './stage';

/**
 * The lifecycle as a platform team lives it, on local engines: data lands, a model trains
 * (through a spot interruption), the gate passes it, a person approves it, it is deployed, traffic
 * flows and is captured, the data drifts, retraining starts, a new version is deployed with a
 * canary, its alarm fires after the bake and the endpoint rolls back. Every workflow is the ASL
 * CDK synthesized for the stage; every function is the real handler; SageMaker is FakeSageMaker.
 */

type Json = any;

export interface LifecycleOptions {
  /** Each step as it ends. @default - nothing printed */
  readonly print?: (line: string) => void;
  /** @default 'prod': canary deployments on two instances, manual approval, a VPC */
  readonly stage?: string;
}

export interface StepResult {
  readonly name: string;
  readonly ms: number;
  readonly detail: string;
}

export interface LifecycleResult {
  readonly steps: readonly StepResult[];
  readonly history: readonly RegistryEvent[];
  readonly driftWindows: ReadonlyArray<{ readonly window: string; readonly records: number; readonly drifted: boolean; readonly eventSent: boolean }>;
  readonly predictions: ReadonlyArray<{ readonly step: string; readonly modelVersion: number | undefined; readonly values: unknown }>;
  readonly rollback: { readonly first: Json; readonly duplicates: readonly Json[]; readonly retries: ReadonlyArray<{ readonly targetArn: string; readonly error: string }> };
  readonly trainingRuns: ReadonlyArray<{ readonly reason: string; readonly execution: string; readonly interrupted: boolean; readonly version: number }>;
  readonly cli: { readonly status: string; readonly historyAtV2: string; readonly historyNow: string };
  readonly sagemakerCalls: readonly string[];
  readonly summary: string;
}

/** A step that failed: names the step, the workflow state, its input and the error. */
export class LifecycleStepError extends Error {
  constructor(step: string, detail: string, options?: { cause?: unknown }) {
    super(`lifecycle step "${step}" failed: ${detail}`, options);
    this.name = 'LifecycleStepError';
  }
}

const MODEL = 'churn';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';
const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'churn');

/**
 * The features an application sends: plan_tier as the code preprocess.py trains on (inference.py
 * takes the name too, but the baseline holds what training saw, so a name would read as drift).
 */
function requestFeatures(rows: readonly CustomerRow[]): Array<Record<string, number>> {
  return rows.map(({ customer_id: _id, churned: _label, plan_tier: tier, ...f }) => ({ ...(f as Record<string, number>), plan_tier: PLAN_TIERS.indexOf(tier as (typeof PLAN_TIERS)[number]) }));
}

const quarter = (ms: number) => Math.floor(ms / 900_000) * 900_000;

export async function runLifecycle(options: LifecycleOptions = {}): Promise<LifecycleResult> {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const print = options.print ?? (() => undefined);
  checkPython();
  const steps: StepResult[] = [];
  const step = async <T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = Date.now();
    try {
      const { value, detail } = await fn();
      const ms = Date.now() - started;
      steps.push({ name, ms, detail });
      print(`✔ ${name.padEnd(52)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${detail}`);
      return value;
    } catch (error) {
      print(`✘ ${name}: ${(error as Error).message}`);
      throw error instanceof LifecycleStepError ? error : new LifecycleStepError(name, (error as Error).message, { cause: error });
    }
  };

  const engines: Engine[] = [];
  const closers: Array<() => unknown> = [];
  try {
    // --- set-up: the stage as synthesized, on DynamoDB Local, s3rver and the fakes ----------------
    const stage = loadStage(options.stage ?? 'prod', MODEL);
    const [dynamo, s3rver] = await Promise.all([startDynamo(), startS3rver(mkdtempSync(join(tmpdir(), 'gantry-lifecycle-s3-')))]);
    engines.push(dynamo.engine, s3rver.engine);
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
    const s3 = new S3Client({ endpoint: s3rver.endpoint, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
    closers.push(() => dynamoClient.destroy(), () => s3.destroy());
    const tableName = await createTablesFromTemplate(dynamoClient, stage.data as CfnTemplate, '/Registry/Table/');
    for (const Bucket of Object.values(stage.buckets)) await s3.send(new CreateBucketCommand({ Bucket }));
    const registry = new DynamoRegistry({ client: dynamoClient, tableName });

    // Requests are replayed into past quarter hours, so that three drift windows pass in seconds;
    // the control plane keeps the real time, which the registry and the alarms use too.
    let trafficTime = new Date(quarter(Date.now()) - 3_600_000);
    const sagemaker = new FakeSageMaker({ s3, now: () => new Date(), trafficTime: () => trafficTime, exampleDir: EXAMPLE, region: REGION, account: '111111111111' });
    closers.push(() => sagemaker.close());
    const sagemakerClient = () => serveLocally(new SageMakerClient({ region: REGION, credentials: CREDENTIALS }), (op, input) => sagemaker.call(op, input));
    const runtime = await FakeSageMakerRuntime.start();
    closers.push(() => runtime.close());
    runtime.respondWith(async (request) => {
      const answer = await sagemaker.invoke(request.endpointName, request.body, request.contentType ?? 'application/octet-stream', request.accept ?? 'application/json');
      return { body: answer.body, variant: answer.variant };
    });

    const sfn = new LocalStepFunctions();
    const sfnClient = () => serveLocally(new SFNClient({ region: REGION, credentials: CREDENTIALS }), sfn.api);
    const notifications: Array<{ topic: string; subject?: string; message: Json }> = [];
    const snsClient = serveLocally(new SNSClient({ region: REGION, credentials: CREDENTIALS }), async (op, input) => {
      if (op !== 'Publish') throw new ServiceError('UnknownOperationException', op);
      notifications.push({ topic: input.TopicArn, subject: input.Subject, message: JSON.parse(input.Message) });
      return { MessageId: crypto.randomUUID() };
    });
    let checkTime = new Date();
    const handlers = lambdaHandlers({ s3, registry, sagemaker: sagemakerClient(), sfn: sfnClient(), sns: snsClient, stage, now: () => checkTime, eventBridge: serveLocally(new EventBridgeClient({ region: REGION, credentials: CREDENTIALS }), async (op, input) => {
      if (op !== 'PutEvents') throw new ServiceError('UnknownOperationException', op);
      for (const entry of input.Entries) await bus.put({ source: entry.Source, 'detail-type': entry.DetailType, detail: JSON.parse(entry.Detail), time: checkTime.toISOString() });
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: crypto.randomUUID() })) };
    }) });

    const approvals: Array<{ version: number; token: string }> = [];
    const tasks = (state: string, resource: string): TaskOverride | undefined => {
      const sdk = /^arn:aws:states:::aws-sdk:(sagemaker|applicationautoscaling):(\w+)$/.exec(resource);
      if (sdk?.[1] === 'sagemaker') {
        const operation = sdk[2]![0]!.toUpperCase() + sdk[2]!.slice(1);
        return async (input: Json) => {
          try {
            return operation === 'DescribeEndpoint' && state === 'DescribeEndpoint' ? sagemaker.poll(input.EndpointName) : await sagemaker.call(operation, input);
          } catch (error) {
            // The AWS SDK integration names a service error `<Service>.<Exception>`.
            throw Object.assign(error as Error, { name: `SageMaker.${(error as Error).name}` });
          }
        };
      }
      if (sdk?.[1] === 'applicationautoscaling') {
        return async (input: Json) => {
          if (sdk[2] === 'deregisterScalableTarget') sagemaker.scalableTargets.delete(input.ResourceId);
          else sagemaker.scalableTargets.set(input.ResourceId, { ...sagemaker.scalableTargets.get(input.ResourceId), ...input });
          return {};
        };
      }
      const job = /^arn:aws:states:::sagemaker:(createProcessingJob|createTrainingJob)\.sync$/.exec(resource);
      if (job) return (input: Json) => sagemaker.call(job[1]![0]!.toUpperCase() + job[1]!.slice(1), input);
      if (resource === 'arn:aws:states:::sns:publish') {
        return async (input: Json) => {
          notifications.push({ topic: input.TopicArn, subject: input.Subject, message: typeof input.Message === 'string' ? JSON.parse(input.Message) : input.Message });
          return { MessageId: crypto.randomUUID() };
        };
      }
      if (resource === 'arn:aws:states:::sns:publish.waitForTaskToken') {
        return async (input: Json) => {
          const message = typeof input.Message === 'string' ? JSON.parse(input.Message) : input.Message;
          notifications.push({ topic: input.TopicArn, subject: input.Subject, message });
          const answer = sfn.waitForToken(message.taskToken);
          approvals.push({ version: message.version, token: message.taskToken });
          return answer;
        };
      }
      if (resource === 'arn:aws:states:::states:startExecution') {
        return async (input: Json) => {
          const execution = sfn.start(input.StateMachineArn, input.Input, input.Name ?? crypto.randomUUID());
          return { ExecutionArn: execution.arn, StartDate: new Date().toISOString() };
        };
      }
      return undefined;
    };
    for (const machine of [stage.training, stage.deploy]) sfn.register({ arn: machine.arn, name: machine.name, asl: machine, tasks, lambdas: handlers.byLogicalId });

    const bus = new LocalEventBus([stage.rules.newData, stage.rules.drift, stage.rules.rollback], async (targetArn, input) => {
      if (targetArn === stage.training.arn || targetArn === stage.deploy.arn) sfn.start(targetArn, input, crypto.randomUUID());
      else if (targetArn.startsWith('arn:aws:sns:')) notifications.push({ topic: targetArn, message: input });
      else if (targetArn.startsWith('arn:aws:lambda:')) rollbackResults.push(await invokeAsync(targetArn, input));
      else throw new Error(`the local event bus has no target ${targetArn}`);
    });
    const rollbackResults: Json[] = [];
    const lambdaRetries: Array<{ targetArn: string; error: string }> = [];
    // EventBridge invokes a function asynchronously, and Lambda retries a failed event twice
    // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html); here the
    // retry comes once the workflows in flight have ended, as it would a minute later.
    const invokeAsync = async (targetArn: string, input: Json): Promise<Json> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await handlers.invokeArn(targetArn, input);
        } catch (error) {
          if (attempt === 3) throw error;
          lambdaRetries.push({ targetArn, error: `${(error as Error).name}: ${(error as Error).message}` });
          await sfn.settle();
        }
      }
    };

    const cliClients: CliClients = { ...defaultClients(), dynamo: () => dynamoClient, s3: () => s3, sfn: sfnClient, sagemaker: sagemakerClient };
    const cli = async (...argv: string[]): Promise<string> => {
      let out = '';
      let err = '';
      const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { GANTRY_REGISTRY_TABLE: tableName, USER: 'platform-team' } }, cliClients);
      if (code !== 0) throw new Error(`gantry ${argv.join(' ')} exited ${code}: ${err || out}`);
      return out;
    };
    const endedOk = async (execution: LocalExecution, what: string): Promise<void> => {
      const trace = await execution.done;
      if (trace.status !== 'SUCCEEDED') throw new Error(describeFailedExecution(`${what} ${execution.name}`, trace));
    };
    const training = (reason: string) => [...sfn.executions.values()].filter((e) => e.stateMachine === stage.training.arn && (e.input as Json).reason === reason);
    const approveWhenAsked = async (execution: LocalExecution): Promise<number> => {
      for (;;) {
        const asked = approvals.shift();
        if (asked) {
          await cli('registry', 'approve', '--model', MODEL, '--version', String(asked.version), '--task-token', asked.token, '--reason', 'metrics reviewed');
          await endedOk(execution, 'training');
          return asked.version;
        }
        if (execution.status !== 'RUNNING') {
          await endedOk(execution, 'training');
          throw new Error(`training ${execution.name} ended without asking for approval`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const trainingRuns: Array<LifecycleResult['trainingRuns'][number]> = [];
    const recordRun = (reason: string, execution: LocalExecution, version: number) => {
      const job = [...sagemaker.trainingJobs.values()].at(-1)!;
      trainingRuns.push({ reason, execution: execution.name, interrupted: job.interrupted, version });
    };

    // An application sees a new version within the client's version cache (a minute by default);
    // the run looks right after each deployment, so it caches for a millisecond.
    const client = new GantryClient({ stage: stage.stageName, models: { [MODEL]: stage.contract }, runtime: runtime.client({ maxAttempts: 1 }), sagemaker: sagemakerClient(), versionCacheMs: 1 });
    const predictions: Array<LifecycleResult['predictions'][number]> = [];
    const predict = async (label: string, rows: readonly CustomerRow[]) => {
      const result = await client.predict({ model: MODEL, features: requestFeatures(rows) });
      predictions.push({ step: label, modelVersion: result.modelVersion, values: result.predictions });
      return result;
    };
    const traffic = async (rows: readonly CustomerRow[], from: Date, batch = 10) => {
      for (let i = 0; i < rows.length; i += batch) {
        trafficTime = new Date(from.getTime() + Math.floor((i / rows.length) * 14 * 60_000));
        await predict('traffic', rows.slice(i, i + batch));
      }
      trafficTime = new Date(from.getTime() + 14 * 60_000);
      return sagemaker.flushCapture();
    };
    const driftWindows: Array<LifecycleResult['driftWindows'][number]> = [];
    const checkDrift = async (windowEnd: Date) => {
      // The scheduled check covers the window that ended CAPTURE_SETTLE_MINUTES before it runs.
      checkTime = new Date(windowEnd.getTime() + CAPTURE_SETTLE_MINUTES * 60_000);
      const result = (await handlers.drift(stage.driftCheck)) as Json;
      if (result.status !== 'checked') throw new Error(`the drift check found ${result.status}`);
      driftWindows.push({ window: result.windowId, records: result.records, drifted: result.drifted, eventSent: result.driftDetectedEventSent });
      return result;
    };

    // --- 1. data lands; the trigger trains, evaluates, gates, registers; a person approves ---------
    const firstData = churnCustomers(2000, 7);
    const v1 = await step('1. curated data → train (spot interruption) → approve', async () => {
      const key = `${MODEL}/2026-12-04/customers.csv`;
      await s3.send(new PutObjectCommand({ Bucket: stage.buckets.curated, Key: key, Body: toCsv(firstData) }));
      sagemaker.interruptNextTraining = 2;
      const delivered = await bus.put({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: stage.buckets.curated }, object: { key, size: 1 } } });
      if (delivered.length !== 1) throw new Error(`the new-data rule delivered ${delivered.length} times`);
      const [run] = training('new-data');
      if (!run) throw new Error('the new-data rule started no training run');
      const version = await approveWhenAsked(run);
      sagemaker.interruptNextTraining = 0;
      recordRun('new-data', run, version);
      const job = [...sagemaker.trainingJobs.values()].at(-1)!;
      const metrics = (await registry.getVersion(MODEL, version)).metrics;
      return { value: version, detail: `version ${version} approved; auc ${metrics.auc?.toFixed(3)}; ${job.interrupted ? 'interrupted once, resumed from its checkpoint' : 'not interrupted'}` };
    });

    // --- 2. deploy; the endpoint serves it; the client predicts with the version ---------------------
    await step('2. deploy version 1 (first deployment creates the endpoint)', async () => {
      await cli('deploy', '--model', MODEL, '--version', String(v1), '--state-machine', stage.deploy.arn);
      await sfn.settle();
      const execution = [...sfn.executions.values()].filter((e) => e.stateMachine === stage.deploy.arn).at(-1)!;
      await endedOk(execution, 'deployment');
      const result = await predict('after deploy 1', churnCustomers(3, 11));
      if (result.modelVersion !== v1) throw new Error(`the client got predictions of version ${result.modelVersion}, not ${v1}`);
      return { value: undefined, detail: `${stage.endpointName} created, InService on version ${v1}; predict → version ${result.modelVersion}` };
    });

    // --- 3. traffic is captured; no drift ---------------------------------------------------------------
    const window1 = new Date(quarter(Date.now()) - 3_600_000);
    await step('3. steady traffic captured; drift check', async () => {
      const files = await traffic(churnCustomers(2000, 21), window1);
      const result = await checkDrift(new Date(window1.getTime() + 900_000));
      if (result.drifted) throw new Error(`steady traffic drifted: ${JSON.stringify(result)}\n  report: ${(await readObject(s3, result.reportUri)).slice(0, 3000)}`);
      return { value: undefined, detail: `${result.records} captured records in ${files} file(s), no drift` };
    });

    // --- 4. shifted traffic: two windows drift; DriftDetected retrains ----------------------------------
    const v2 = await step('4. shifted traffic: 2 windows drift → retrain → approve', async () => {
      for (const n of [1, 2]) {
        const from = new Date(window1.getTime() + n * 900_000);
        await traffic(churnCustomers(2000, 30 + n, true), from);
        const result = await checkDrift(new Date(from.getTime() + 900_000));
        if (!result.drifted) throw new Error(`shifted traffic in window ${n + 1} did not drift`);
      }
      if (!driftWindows.at(-1)!.eventSent || driftWindows.at(-2)!.eventSent) throw new Error('DriftDetected must be sent on the second drifted window only');
      const [run] = training('drift');
      if (!run) throw new Error('DriftDetected started no retraining');
      const version = await approveWhenAsked(run);
      recordRun('drift', run, version);
      return { value: version, detail: `DriftDetected → retraining ${run.name.slice(0, 8)} → version ${version} approved` };
    });

    // --- 5. canary deploy of v2; its alarm fires after the bake; the endpoint rolls back ----------------
    let v2LiveAt = new Date();
    await step('5. canary deploy of version 2', async () => {
      await cli('deploy', '--model', MODEL, '--version', String(v2), '--strategy', 'canary', '--state-machine', stage.deploy.arn);
      await sfn.settle();
      const execution = [...sfn.executions.values()].filter((e) => e.stateMachine === stage.deploy.arn).at(-1)!;
      await endedOk(execution, 'deployment');
      const states = execution.trace!.statesEntered;
      if (!states.includes('UpdateEndpointCanary')) throw new Error(`the deployment did not take the canary path: ${states.join(' → ')}`);
      const result = await predict('after deploy 2', churnCustomers(3, 12));
      if (result.modelVersion !== v2) throw new Error(`the client got version ${result.modelVersion}, not ${v2}`);
      v2LiveAt = new Date();
      const polls = execution.trace!.statesEntered.filter((s) => s === 'DescribeEndpoint').length;
      return { value: undefined, detail: `canary baked over ${polls} polls; production ${v2}, last-good ${v1}` };
    });

    const rollback = await step('6. alarm after the bake → rollback to last-good', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const alarmName = stage.alarmNames[0]!;
      const now = new Date().toISOString();
      const alarm = { id: crypto.randomUUID(), source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', time: now, resources: [stage.alarmArns[0]], detail: { alarmName, state: { value: 'ALARM', reason: 'Threshold Crossed: p99 latency above the threshold', timestamp: now }, previousState: { value: 'OK', reason: '', timestamp: now } } };
      await bus.put(alarm);
      const first = rollbackResults.at(-1);
      if (first?.action !== 'started') throw new Error(`the rollback function answered ${JSON.stringify(first)}`);
      // EventBridge delivers at least once, and the alarm may repeat: neither may roll back twice.
      await bus.put(alarm);
      await bus.put({ ...alarm, id: crypto.randomUUID() });
      const duplicates = rollbackResults.slice(-2);
      await sfn.settle();
      const execution = sfn.executions.get(first.executionArn)!;
      await endedOk(execution, 'rollback deployment');
      const pointers = await registry.pointers(MODEL);
      if (pointers.production !== v1) throw new Error(`production is ${pointers.production} after the rollback, not ${v1}`);
      const result = await predict('after rollback', churnCustomers(3, 13));
      if (result.modelVersion !== v1) throw new Error(`the client got version ${result.modelVersion} after the rollback, not ${v1}`);
      const retried = lambdaRetries.length > 0 ? `; ${lambdaRetries.length} delivery retried (${lambdaRetries[0]!.error.split(':')[0]})` : '';
      return { value: { first, duplicates, retries: [...lambdaRetries] }, detail: `${first.action} ${execution.name}; production ${pointers.production}; duplicates: ${duplicates.map(describeOutcome).join(', ')}${retried}` };
    });

    // --- 7. the CLI tells the story ------------------------------------------------------------------------
    const cliOut = await step('7. gantry status, gantry registry history --at', async () => {
      const status = await cli('status', '--model', MODEL, '--endpoint', stage.endpointName);
      const historyAtV2 = await cli('registry', 'history', '--model', MODEL, '--at', v2LiveAt.toISOString());
      const historyNow = await cli('registry', 'history', '--model', MODEL, '--at', new Date().toISOString());
      return { value: { status, historyAtV2, historyNow }, detail: `live at ${v2LiveAt.toISOString()}: ${historyAtV2.trim().split('\n')[0]}` };
    });

    const history = await registry.history(MODEL);
    if (liveVersionAt(history, v2LiveAt) !== v2 || liveVersionAt(history, new Date()) !== v1) throw new LifecycleStepError('7. gantry status, gantry registry history --at', 'the history does not say version 2 was live after its deployment and version 1 after the rollback');
    const result = {
      steps,
      history,
      driftWindows,
      predictions,
      rollback,
      trainingRuns,
      cli: cliOut,
      sagemakerCalls: sagemaker.calls.map((c) => c.operation),
      summary: '',
    };
    return { ...result, summary: summarize(result, stage) };
  } finally {
    for (const close of closers.reverse()) await close();
    await Promise.all(engines.map((engine) => stopEngine(engine)));
  }
}

async function readObject(s3: S3Client, uri: string): Promise<string> {
  const [, Bucket, Key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  return (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
}

/** The real handlers of the stage's functions, routed by the logical id the templates give them. */
function lambdaHandlers(deps: { s3: S3Client; registry: DynamoRegistry; sagemaker: SageMakerClient; sfn: SFNClient; sns: SNSClient; eventBridge: EventBridgeClient; stage: LifecycleStage; now: () => Date }) {
  const { s3, registry } = deps;
  const byLogicalId = {
    ValidateDataFunction: validate.makeHandler({ s3 }),
    BaselineFunction: baseline.makeHandler({ s3 }),
    EvaluateFunction: evaluate.makeHandler({ s3 }),
    GateFunction: gate.makeHandler({ registry }),
    RegisterFunction: register.makeHandler({ registry }),
    RecordEventFunction: recordEvent.makeHandler({ registry }),
    DeployFunction: deploy.makeHandler({ registry, sagemaker: deps.sagemaker }),
    DriftFunction: drift.makeHandler({ s3, registry, eventBridge: deps.eventBridge, now: deps.now, stage: deps.stage.stageName, captureBucket: deps.stage.buckets.capture, artifactsBucket: deps.stage.buckets.artifacts }),
    RollbackFunction: rollback.makeHandler({ registry, sagemaker: deps.sagemaker, sfn: deps.sfn, sns: deps.sns }),
  } as const;
  return {
    byLogicalId,
    drift: byLogicalId.DriftFunction as (event: unknown) => Promise<unknown>,
    /** A rule target's function, by the ARN the template resolved to (`…:function:<LogicalId>`). */
    invokeArn: (arn: string, input: unknown): Promise<unknown> => {
      const id = /:function:([^:]+)/.exec(arn)?.[1] ?? '';
      const key = (Object.keys(byLogicalId) as Array<keyof typeof byLogicalId>).find((k) => id.startsWith(k));
      if (!key) throw new Error(`no local function for ${arn}`);
      return (byLogicalId[key] as (event: unknown) => Promise<unknown>)(input);
    },
  };
}

const describeOutcome = (outcome: Json): string => (outcome.reason ? `${outcome.action} (${outcome.reason})` : String(outcome.action));

function summarize(result: Omit<LifecycleResult, 'summary'>, stage: LifecycleStage): string {
  const total = result.steps.reduce((sum, s) => sum + s.ms, 0);
  const lines = [
    `Gantry lifecycle on local engines: stage ${stage.stageName}, model ${MODEL}, endpoint ${stage.endpointName} (${(total / 1000).toFixed(1)} s)`,
    '',
    'Training runs:',
    ...result.trainingRuns.map((r) => `  ${r.reason.padEnd(9)} ${r.execution.slice(0, 8)} → version ${r.version}${r.interrupted ? ' (spot interruption, resumed from checkpoint)' : ''}`),
    'Drift windows:',
    ...result.driftWindows.map((w) => `  ${w.window}  ${String(w.records).padStart(4)} records  ${w.drifted ? 'DRIFT' : 'ok   '}${w.eventSent ? '  → DriftDetected' : ''}`),
    `Rollback: ${result.rollback.first.action} (version ${result.rollback.first.fromVersion} → ${result.rollback.first.toVersion}); duplicate alarms: ${result.rollback.duplicates.map(describeOutcome).join(', ')}`,
    'Predictions (model version as the client saw it):',
    ...result.predictions.filter((p) => p.step !== 'traffic').map((p) => `  ${p.step.padEnd(16)} version ${p.modelVersion}`),
    `Registry history (${result.history.length} events):`,
    ...result.history.map((e) => `  ${String(e.seq).padStart(2)} ${e.type.padEnd(15)} ${e.version !== undefined ? `v${e.version}` : '  '} ${e.previousVersion !== undefined ? `(was v${e.previousVersion})` : ''}`.trimEnd()),
    `SageMaker calls: ${Object.entries(result.sagemakerCalls.reduce<Record<string, number>>((n, op) => ({ ...n, [op]: (n[op] ?? 0) + 1 }), {})).map(([op, n]) => `${op} ×${n}`).join(', ')}`,
  ];
  return lines.join('\n');
}
