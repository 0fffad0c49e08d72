import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../../../lambdas/adapters/s3-objects';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ServiceError } from './local-service';
import { InferenceServer, runScript, runUntilCheckpoint } from './python-model';

/**
 * SageMaker's control plane, in memory, behaving as its API reference documents the calls the
 * workflows make (https://docs.aws.amazon.com/sagemaker/latest/APIReference/):
 * - CreateProcessingJob and CreateTrainingJob run the example's scripts for real and end as
 *   `.sync` returns them (the Describe* response of the finished job); a training job can be
 *   interrupted as managed spot training is, and resumes from its S3 checkpoints;
 * - endpoints go Creating → InService, and Updating → InService with a blue/green deployment:
 *   while a canary bakes, its share of the requests is served by the new fleet, and an alarm
 *   of AutoRollbackConfiguration in ALARM rolls the deployment back;
 * - InvokeEndpoint answers through inference.py and captures requests as data capture does:
 *   `<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/<mm-ss-mmm>-<uuid>.jsonl`.
 * Time advances by the deploy workflow's polls: each DescribeEndpoint poll is one poll interval.
 */

type Json = Record<string, any>;

interface Endpoint {
  readonly name: string;
  status: 'Creating' | 'InService' | 'Updating';
  configName: string;
  /** The config a blue/green deployment moves to, while it does. */
  pending?: { configName: string; canaryPercent: number; rollbackAlarms: string[]; pollsLeft: number; baking: boolean };
  pollsLeft: number;
  readonly createdAt: Date;
  lastModified: Date;
}

export interface FakeSageMakerOptions {
  readonly s3: S3Client;
  /** Creation and LastModified times. */
  readonly now: () => Date;
  /** When a request is served: the inference time of its captured record and its hour folder. */
  readonly trafficTime: () => Date;
  /** The example's folder: preprocess.py and train.py run from here. */
  readonly exampleDir: string;
  readonly region: string;
  readonly account: string;
}

export class FakeSageMaker {
  /** Training jobs started from now on are interrupted once each, after this many checkpoints. */
  interruptNextTraining = 0;
  readonly alarmsInAlarm = new Set<string>();
  readonly calls: Array<{ operation: string; input: Json }> = [];
  readonly models = new Map<string, Json>();
  readonly configs = new Map<string, Json>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly trainingJobs = new Map<string, Json>();
  readonly scalableTargets = new Map<string, Json>();
  private readonly work = mkdtempSync(join(tmpdir(), 'gantry-fake-sagemaker-'));
  private readonly unpacked = new Map<string, string>();
  private readonly inference = new InferenceServer();
  private readonly captureBuffer = new Map<string, string[]>();
  private invocations = 0;

  constructor(private readonly options: FakeSageMakerOptions) {}

  close(): void {
    this.inference.close();
    rmSync(this.work, { recursive: true, force: true });
  }

  private arn(type: string, name: string): string {
    return `arn:aws:sagemaker:${this.options.region}:${this.options.account}:${type}/${name.toLowerCase()}`;
  }

  /** A control-plane call by its API name, with the API's request and response shapes. */
  async call(operation: string, input: Json): Promise<Json> {
    this.calls.push({ operation, input });
    const handler = (this as unknown as Record<string, (input: Json) => Promise<Json> | Json>)[`op${operation}`];
    if (!handler) throw new ServiceError('UnknownOperationException', `the fake SageMaker does not model ${operation}`);
    return handler.call(this, input);
  }

  // --- jobs ----------------------------------------------------------------------------------

  async opCreateProcessingJob(input: Json): Promise<Json> {
    const root = mkdtempSync(join(this.work, 'processing-'));
    const local = (path: string) => join(root, path);
    for (const i of input.ProcessingInputs as Json[]) {
      if (i.InputName === 'code') continue; // the repository's own script runs: the asset is not uploaded offline
      await this.download(i.S3Input.S3Uri, local(i.S3Input.LocalPath));
    }
    const outputs = input.ProcessingOutputConfig.Outputs as Json[];
    const outputRoot = dirname(local(outputs[0].S3Output.LocalPath));
    await runScript(join(this.options.exampleDir, 'preprocess.py'), ['--input-dir', local('/opt/ml/processing/input/data'), '--output-dir', outputRoot]);
    for (const o of outputs) await this.upload(local(o.S3Output.LocalPath), o.S3Output.S3Uri);
    const now = this.options.now();
    return { ProcessingJobName: input.ProcessingJobName, ProcessingJobArn: this.arn('processing-job', input.ProcessingJobName), ProcessingJobStatus: 'Completed', ProcessingStartTime: now, ProcessingEndTime: now, ProcessingInputs: input.ProcessingInputs, ProcessingOutputConfig: input.ProcessingOutputConfig };
  }

  async opCreateTrainingJob(input: Json): Promise<Json> {
    if (!(input.StoppingCondition?.MaxWaitTimeInSeconds > input.StoppingCondition?.MaxRuntimeInSeconds) && input.EnableManagedSpotTraining) {
      throw new ServiceError('ValidationException', 'MaxWaitTimeInSeconds must be greater than or equal to MaxRuntimeInSeconds for managed spot training');
    }
    const root = mkdtempSync(join(this.work, 'training-'));
    const at = (...parts: string[]) => join(root, ...parts);
    for (const channel of input.InputDataConfig as Json[]) await this.download(channel.DataSource.S3DataSource.S3Uri, at('input', channel.ChannelName));
    // Script mode: hyperparameters are the script's arguments; sagemaker_* are the toolkit's own.
    const args = Object.entries(input.HyperParameters as Record<string, string>)
      .filter(([key]) => !key.startsWith('sagemaker_'))
      .flatMap(([key, value]) => [`--${key}`, value]);
    const checkpoints = at('checkpoints');
    args.push('--train', at('input', 'train'), '--validation', at('input', 'validation'), '--model-dir', at('model'), '--output-data-dir', at('output'), '--checkpoint-dir', checkpoints);
    const script = join(this.options.exampleDir, String(input.HyperParameters.sagemaker_program ?? 'train.py'));
    const transitions: Json[] = [{ Status: 'Starting' }, { Status: 'Downloading' }, { Status: 'Training' }];
    let interrupted = false;
    if (input.EnableManagedSpotTraining && this.interruptNextTraining > 0) {
      await runUntilCheckpoint(script, args, checkpoints, this.interruptNextTraining);
      interrupted = true;
      // SageMaker keeps the checkpoint folder in sync with CheckpointConfig.S3Uri, and a restarted
      // instance starts from what is there, not from the lost local disk.
      await this.upload(checkpoints, input.CheckpointConfig.S3Uri);
      rmSync(checkpoints, { recursive: true, force: true });
      await this.download(input.CheckpointConfig.S3Uri, checkpoints);
      transitions.push({ Status: 'Interrupted', StatusMessage: 'Training job interrupted by spot instance reclaim' }, { Status: 'Starting' }, { Status: 'Training' });
    }
    await runScript(script, args);
    const prefix = `${input.OutputDataConfig.S3OutputPath.replace(/\/?$/, '/')}${input.TrainingJobName}/output/`;
    await this.putObject(`${prefix}model.tar.gz`, tarGzDir(at('model')));
    await this.putObject(`${prefix}output.tar.gz`, tarGzDir(at('output')));
    transitions.push({ Status: 'Uploading' }, { Status: 'Completed' });
    const job = {
      TrainingJobName: input.TrainingJobName,
      TrainingJobArn: this.arn('training-job', input.TrainingJobName),
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      SecondaryStatusTransitions: transitions,
      ModelArtifacts: { S3ModelArtifacts: `${prefix}model.tar.gz` },
      HyperParameters: input.HyperParameters,
      EnableManagedSpotTraining: input.EnableManagedSpotTraining,
      CheckpointConfig: input.CheckpointConfig,
      TrainingTimeInSeconds: interrupted ? 900 : 600,
      BillableTimeInSeconds: interrupted ? 810 : 540,
      Tags: input.Tags,
    };
    this.trainingJobs.set(input.TrainingJobName, { ...job, interrupted });
    return job;
  }

  // --- models, configs, endpoints --------------------------------------------------------------

  opCreateModel(input: Json): Json {
    if (this.models.has(input.ModelName)) throw new ServiceError('ValidationException', `Cannot create already existing model "${this.arn('model', input.ModelName)}".`);
    this.models.set(input.ModelName, { ...input, CreationTime: this.options.now() });
    return { ModelArn: this.arn('model', input.ModelName) };
  }

  opCreateEndpointConfig(input: Json): Json {
    if (this.configs.has(input.EndpointConfigName)) throw new ServiceError('ValidationException', `Cannot create already existing endpoint configuration "${this.arn('endpoint-config', input.EndpointConfigName)}".`);
    for (const v of input.ProductionVariants as Json[]) if (!this.models.has(v.ModelName)) throw new ServiceError('ValidationException', `Could not find model "${this.arn('model', v.ModelName)}".`);
    this.configs.set(input.EndpointConfigName, { ...input, CreationTime: this.options.now() });
    return { EndpointConfigArn: this.arn('endpoint-config', input.EndpointConfigName) };
  }

  opCreateEndpoint(input: Json): Json {
    if (this.endpoints.has(input.EndpointName)) throw new ServiceError('ValidationException', `Cannot create already existing endpoint "${this.arn('endpoint', input.EndpointName)}".`);
    this.config(input.EndpointConfigName);
    const now = this.options.now();
    this.endpoints.set(input.EndpointName, { name: input.EndpointName, status: 'Creating', configName: input.EndpointConfigName, pollsLeft: 2, createdAt: now, lastModified: now });
    return { EndpointArn: this.arn('endpoint', input.EndpointName) };
  }

  opUpdateEndpoint(input: Json): Json {
    const endpoint = this.endpoint(input.EndpointName);
    if (endpoint.status !== 'InService') throw new ServiceError('ValidationException', `Cannot update in-progress endpoint "${this.arn('endpoint', endpoint.name)}".`);
    this.config(input.EndpointConfigName);
    const policy = input.DeploymentConfig?.BlueGreenUpdatePolicy;
    const routing = policy?.TrafficRoutingConfiguration;
    const canaryPercent = routing?.Type === 'CANARY' ? canaryShare(routing.CanarySize, this.config(input.EndpointConfigName)) : routing?.Type === 'ALL_AT_ONCE' || !routing ? 100 : 50;
    const rollbackAlarms = (input.DeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []).map((a: Json) => a.AlarmName as string);
    endpoint.status = 'Updating';
    endpoint.lastModified = this.options.now();
    // Provisioning the new fleet, then the canary's bake (or the final bake), then the shift.
    endpoint.pending = { configName: input.EndpointConfigName, canaryPercent, rollbackAlarms, pollsLeft: routing?.Type === 'CANARY' ? 3 : 2, baking: false };
    return { EndpointArn: this.arn('endpoint', endpoint.name) };
  }

  opDescribeEndpoint(input: Json): Json {
    const e = this.endpoint(input.EndpointName);
    return {
      EndpointName: e.name,
      EndpointArn: this.arn('endpoint', e.name),
      EndpointConfigName: e.configName,
      EndpointStatus: e.status,
      CreationTime: e.createdAt,
      LastModifiedTime: e.lastModified,
      ...(e.pending ? { PendingDeploymentSummary: { EndpointConfigName: e.pending.configName, StartTime: e.lastModified } } : {}),
      ProductionVariants: (this.config(e.configName).ProductionVariants as Json[]).map((v) => ({ VariantName: v.VariantName, CurrentInstanceCount: v.InitialInstanceCount, DesiredInstanceCount: v.InitialInstanceCount })),
    };
  }

  opDescribeEndpointConfig(input: Json): Json {
    return { ...this.config(input.EndpointConfigName), EndpointConfigArn: this.arn('endpoint-config', input.EndpointConfigName) };
  }











  /** One poll of the deploy workflow: one poll interval passes for every endpoint change in flight. */
  poll(endpointName: string): Json {
    const e = this.endpoints.get(endpointName);
    if (e) this.advance(e);
    return this.opDescribeEndpoint({ EndpointName: endpointName });
  }

  private advance(e: Endpoint): void {
    if (e.status === 'Creating' && --e.pollsLeft <= 0) e.status = 'InService';
    if (e.status !== 'Updating' || !e.pending) return;
    const p = e.pending;
    if (p.rollbackAlarms.some((alarm) => this.alarmsInAlarm.has(alarm)) && p.baking) {
      // The guardrails: back to the old fleet, which kept serving the rest of the traffic.
      e.pending = undefined;
      e.status = 'InService';
      e.lastModified = this.options.now();
      return;
    }
    p.baking = true;
    if (--p.pollsLeft > 0) return;
    e.configName = p.configName;
    e.pending = undefined;
    e.status = 'InService';
    e.lastModified = this.options.now();
  }

  // --- serving -----------------------------------------------------------------------------------

  /** InvokeEndpoint: the model of the fleet this request lands on answers through inference.py. */
  async invoke(endpointName: string, body: string, contentType: string, accept: string): Promise<{ body: string; variant: string; configName: string }> {
    const e = this.endpoints.get(endpointName);
    if (!e || e.status === 'Creating') throw new ServiceError('ValidationException', `Endpoint ${this.arn('endpoint', endpointName)} of account ${this.options.account} not found.`);
    const n = this.invocations++;
    const canary = e.pending?.baking ? e.pending : undefined;
    const configName = canary && (n % 100) < canary.canaryPercent ? canary.configName : e.configName;
    const config = this.config(configName);
    const variant = config.ProductionVariants[0] as Json;
    const model = this.models.get(variant.ModelName)!;
    const modelDir = await this.unpack(model.PrimaryContainer.ModelDataUrl);
    const answer = await this.inference.invoke({ modelDir, body, contentType, accept });
    const capture = config.DataCaptureConfig as Json | undefined;
    if (capture?.EnableCapture && sampled(n, capture.InitialSamplingPercentage)) this.capture(endpointName, variant.VariantName, capture, body, contentType, answer, accept);
    return { body: answer, variant: variant.VariantName, configName };
  }

  private capture(endpoint: string, variant: string, capture: Json, input: string, inputType: string, output: string, outputType: string): void {
    const at = this.options.trafficTime();
    const encoding = (type: string) => {
      const base = type.split(';')[0]!.trim();
      if ((capture.CaptureContentTypeHeader?.CsvContentTypes ?? []).includes(base)) return 'CSV';
      if ((capture.CaptureContentTypeHeader?.JsonContentTypes ?? []).includes(base)) return 'JSON';
      return 'BASE64';
    };
    const payload = (data: string, type: string, mode: string) => {
      const e = encoding(type);
      return { observedContentType: type, mode, data: e === 'BASE64' ? Buffer.from(data).toString('base64') : data, encoding: e };
    };
    const line = JSON.stringify({
      captureData: { endpointInput: payload(input, inputType, 'INPUT'), endpointOutput: payload(output, outputType, 'OUTPUT') },
      eventMetadata: { eventId: randomUUID(), inferenceTime: at.toISOString() },
      eventVersion: '0',
    });
    const iso = at.toISOString();
    const hour = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
    const key = `${String(capture.DestinationS3Uri).replace(/\/$/, '')}/${endpoint}/${variant}/${hour}`;
    (this.captureBuffer.get(key) ?? this.captureBuffer.set(key, []).get(key)!).push(line);
  }

  /** Writes the buffered capture records, one file per hour folder, as SageMaker does every few minutes. */
  async flushCapture(): Promise<number> {
    let files = 0;
    for (const [prefix, lines] of this.captureBuffer) {
      const iso = this.options.trafficTime().toISOString();
      await this.putObject(`${prefix}/${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`, Buffer.from(`${lines.join('\n')}\n`));
      files++;
    }
    this.captureBuffer.clear();
    return files;
  }

  // --- helpers -----------------------------------------------------------------------------------

  private endpoint(name: string): Endpoint {
    const e = this.endpoints.get(name);
    if (!e) throw new ServiceError('ValidationException', `Could not find endpoint "${this.arn('endpoint', name)}".`);
    return e;
  }

  private config(name: string): Json {
    const c = this.configs.get(name);
    if (!c) throw new ServiceError('ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', name)}".`);
    return c;
  }

  private async unpack(uri: string): Promise<string> {
    const cached = this.unpacked.get(uri);
    if (cached) return cached;
    const dir = mkdtempSync(join(this.work, 'model-'));
    writeFileSync(join(dir, 'model.tar.gz'), await this.getObject(uri));
    untar(join(dir, 'model.tar.gz'), dir);
    this.unpacked.set(uri, dir);
    return dir;
  }

  private async download(uri: string, dir: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    mkdirSync(dir, { recursive: true });
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const objects = [];
    for await (const page of paginateListObjectsV2({ client: this.options.s3 }, { Bucket: bucket, Prefix: key })) objects.push(...(page.Contents ?? []));
    for (const object of objects) {
      const name = object.Key!.startsWith(prefix) ? object.Key!.slice(prefix.length) : object.Key!.slice(object.Key!.lastIndexOf('/') + 1);
      if (name === '') continue;
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), await this.getObject(`s3://${bucket}/${object.Key}`));
    }
  }

  private async upload(dir: string, uri: string): Promise<void> {
    for (const file of walk(dir)) await this.putObject(`${uri.replace(/\/?$/, '/')}${relative(dir, file)}`, readFileSync(file));
  }

  private async getObject(uri: string): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(uri);
    const out = await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  private async putObject(uri: string, body: Buffer): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
}

/** A canary's share of the requests: its instances over the new fleet's. */
function canaryShare(size: Json | undefined, config: Json): number {
  if (!size) return 10;
  if (size.Type === 'CAPACITY_PERCENT') return size.Value;
  const fleet = (config.ProductionVariants as Json[])[0]!.InitialInstanceCount as number;
  return Math.round((100 * size.Value) / fleet);
}

/** Deterministic sampling: request n is captured when the running share crosses a whole request. */
function sampled(n: number, percent: number): boolean {
  return Math.floor(((n + 1) * percent) / 100) > Math.floor((n * percent) / 100);
}


function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

function tarGzDir(dir: string): Buffer {
  const result = spawnSync('tar', ['-czf', '-', '-C', dir, '.'], { maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`tar -czf failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function untar(file: string, dir: string): void {
  const result = spawnSync('tar', ['-xzf', file, '-C', dir]);
  if (result.status !== 0) throw new Error(`tar -xzf ${file} failed: ${result.stderr.toString()}`);
}
