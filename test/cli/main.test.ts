import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../../cli/main';
import type { CliClients } from '../../cli/context';
import { dynamoClient, s3Client, uniqueName } from '../support/engines';
import { localFeatureTable, localRegistryTable } from '../support/local-data';

const ARTIFACT = 's3://gantry-dev-artifacts/churn/1/model.tar.gz';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

describe('gantry CLI', () => {
  let dynamo: DynamoDBClient;
  let s3: S3Client;
  let registryTable: string;
  let featureTable: string;
  let featuresBucket: string;
  let clients: CliClients;
  const ssm = new SSMClient({ region: 'us-east-1' });
  const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));

  async function gantry(...argv: string[]): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { USER: 'tester', GANTRY_REGISTRY_TABLE: registryTable } }, clients);
    return { code, stdout, stderr, json: <T,>() => JSON.parse(stdout) as T };
  }

  async function registryItemCount(): Promise<number> {
    return (await dynamo.send(new ScanCommand({ TableName: registryTable, Select: 'COUNT' }))).Count ?? 0;
  }

  beforeAll(async () => {
    dynamo = dynamoClient();
    s3 = s3Client();
    ({ tableName: registryTable } = await localRegistryTable(dynamo));
    ({ tableName: featureTable } = await localFeatureTable(dynamo));
    featuresBucket = uniqueName('features');
    await s3.send(new CreateBucketCommand({ Bucket: featuresBucket }));
    clients = { dynamo: () => dynamo, s3: () => s3, ssm: () => ssm, sfn: () => new SFNClient({ region: 'us-east-1' }), sagemaker: () => new SageMakerClient({ region: 'us-east-1' }), costExplorer: () => new CostExplorerClient({ region: 'us-east-1' }) };
  });

  afterAll(() => {
    dynamo?.destroy();
    s3?.destroy();
  });

  it('prints help', async () => {
    const out = await gantry('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('gantry registry <command>');
    expect(out.stdout).toContain('gantry features <command>');
    for (const usage of ['gantry train --model M', 'gantry deploy --model M --version N', 'gantry rollback --model M', 'gantry status --model M']) expect(out.stdout).toContain(usage);
  });

  it.each([
    ['deploy', 'gantry deploy --model M --version N [--strategy canary|linear|all-at-once]'],
    ['rollback', 'gantry rollback --model M'],
    ['status', 'gantry status --model M'],
  ])('prints the help of `gantry %s --help` alone', async (group, usage) => {
    const out = await gantry(group, '--help');
    expect(out.code).toBe(0);
    expect(out.stdout.startsWith(usage)).toBe(true);
    expect(out.stdout).not.toContain('gantry registry <command>');
  });

  it('registers, lists, approves, promotes, rolls back and answers history queries, in JSON', async () => {
    const reg = await gantry('registry', 'register', '--model', 'churn', '--artifact', ARTIFACT, '--image', IMAGE, '--metrics', '{"auc":0.91}', '--params', '{"epochs":"20"}', '--data', 's3://gantry-dev-curated/churn/train.csv?versionId=abc', '--data', `s3://gantry-dev-curated/churn/extra.csv#sha256=${'a'.repeat(64)}`, '--json');
    expect(reg.code).toBe(0);
    expect(reg.stdout).toContain('"version": 1');
    expect(reg.json()).toMatchObject({
      model: 'churn',
      version: 1,
      status: 'Registered',
      metrics: { auc: 0.91 },
      hyperparameters: { epochs: '20' },
      dataInputs: [{ uri: 's3://gantry-dev-curated/churn/train.csv', versionId: 'abc' }, { uri: 's3://gantry-dev-curated/churn/extra.csv', sha256: 'a'.repeat(64) }],
      createdBy: 'cli:tester',
    });
    await gantry('registry', 'register', '--model', 'churn', '--artifact', ARTIFACT.replace('/1/', '/2/'), '--image', IMAGE);

    const list = await gantry('registry', 'list', '--model', 'churn', '--json');
    expect(list.json<{ versions: Array<{ version: number }> }>().versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await gantry('registry', 'get', '--model', 'churn', '--version', '2', '--json')).json()).toMatchObject({ version: 2, artifactUri: ARTIFACT.replace('/1/', '/2/') });

    expect((await gantry('registry', 'approve', '--model', 'churn', '--version', '1', '--reason', 'offline eval ok', '--json')).json()).toMatchObject({ version: 1, status: 'Approved', statusReason: 'offline eval ok' });
    expect((await gantry('registry', 'approve', '--model', 'churn', '--version', '2')).stdout).toBe('churn version 2 is now Approved\n');
    const p1 = (await gantry('registry', 'promote', '--model', 'churn', '--version', '1', '--json')).json<{ at: string; version: number }>();
    expect(p1.version).toBe(1);
    const p2 = await gantry('registry', 'promote', '--model', 'churn', '--version', '2');
    expect(p2.stdout).toBe('churn: production is version 2; last-good is version 1\n');

    expect((await gantry('registry', 'history', '--model', 'churn', '--at', p1.at, '--json')).json()).toEqual({ model: 'churn', at: p1.at, version: 1 });
    expect((await gantry('registry', 'history', '--model', 'churn', '--at', '2000-01-01T00:00:00Z', '--json')).json()).toMatchObject({ version: null });

    const rolled = await gantry('registry', 'rollback', '--model', 'churn', '--reason', 'p99 latency', '--json');
    expect(rolled.json()).toMatchObject({ type: 'RolledBack', version: 1, previousVersion: 2, reason: 'p99 latency' });
    const history = (await gantry('registry', 'history', '--model', 'churn', '--json')).json<{ events: Array<{ type: string }> }>();
    expect(history.events.map((e) => e.type)).toEqual(['Registered', 'Registered', 'Approved', 'Approved', 'Promoted', 'Promoted', 'RolledBack']);
  });

  describe('bad input: a clear error, a non-zero exit, nothing written', () => {
    it.each([
      [['registry', 'register', '--artifact', ARTIFACT, '--image', IMAGE], 2, /--model is required/],
      [['registry', 'register', '--model', 'churn', '--artifact', 'https://bucket/model.tar.gz', '--image', IMAGE], 2, /--artifact must be an s3:\/\/bucket\/key URI \(got "https:\/\/bucket\/model.tar.gz"\)/],
      [['registry', 'register', '--model', 'churn', '--artifact', ARTIFACT, '--image', IMAGE, '--metrics', '{auc:0.9'], 2, /--metrics is not valid JSON/],
      [['registry', 'register', '--model', 'churn', '--artifact', ARTIFACT, '--image', IMAGE, '--metrics', '[1,2]'], 2, /--metrics must be a JSON object/],
      [['registry', 'register', '--model', 'churn', '--artifact', ARTIFACT, '--image', IMAGE, '--metrics', '{"auc":"high"}'], 1, /InvalidRegistrationError: invalid registration: metrics\.auc: expected number, got string/],
      [['registry', 'register', '--model', 'churn', '--artifact', ARTIFACT, '--image', IMAGE, '--data', 'http://x/y'], 2, /--data must be s3:\/\/bucket\/key/],
      [['registry', 'register', '--model', 'Bad Name', '--artifact', ARTIFACT, '--image', IMAGE], 1, /model: must be a kebab-case model name/],
      [['registry', 'get', '--model', 'nope', '--version', '1'], 1, /UnknownModelError: model "nope" has no registered versions/],
      [['registry', 'get', '--model', 'churn', '--version', '99'], 1, /UnknownVersionError: model "churn" has no version 99/],
      [['registry', 'get', '--model', 'churn', '--version', '1.5'], 2, /--version must be a positive integer \(got "1.5"\)/],
      [['registry', 'history', '--model', 'churn', '--at', 'yesterday'], 2, /--at must be an ISO-8601 time/],
      [['registry', 'list', '--model', 'churn', '--verbose'], 2, /unknown option '--verbose'/],
      [['registry', 'deploy'], 2, /unknown registry command "deploy"/],
      [['nope'], 2, /unknown command group "nope"/],
    ])('%j exits %i', async (argv, code, message) => {
      const before = await registryItemCount();
      const out = await gantry(...argv);
      expect(out.code).toBe(code);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
      expect(await registryItemCount()).toBe(before);
    });

    it('refuses to promote a version that is not approved, leaving the registry as it was', async () => {
      await gantry('registry', 'register', '--model', 'fraud', '--artifact', ARTIFACT, '--image', IMAGE);
      const before = await registryItemCount();
      const out = await gantry('registry', 'promote', '--model', 'fraud', '--version', '1');
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('InvalidTransitionError: model "fraud" version 1 cannot go from Registered to Production: only Approved versions can be promoted');
      expect(await registryItemCount()).toBe(before);
    });

    it('refuses a rollback with no last-good version', async () => {
      const out = await gantry('registry', 'rollback', '--model', 'fraud');
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('NoProductionError');
    });
  });

  describe('features', () => {
    it('puts rows from a JSON Lines file, rejecting bad lines by number, and gets them back naming missing entities', async () => {
      const file = join(dir, 'rows.jsonl');
      const now = Date.now();
      const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
      writeFileSync(
        file,
        [
          JSON.stringify({ entityId: 'c-1', eventTime: at(10), values: { tenure_months: 12, monthly_spend: 49.5, plan_tier: 'gold' } }),
          JSON.stringify({ entityId: 'c-2', eventTime: at(10), values: { tenure_months: 3 } }),
          JSON.stringify({ eventTime: at(5), values: { tenure_months: 1 } }),
          JSON.stringify({ entityId: 'c-3', eventTime: 'last tuesday', values: {} }),
          'this is not json',
          '',
          JSON.stringify({ entityId: 'c-4', group: 'other-group', eventTime: at(1), values: {} }),
          JSON.stringify({ entityId: 'c-1', eventTime: at(60), values: { tenure_months: 11 } }),
        ].join('\n'),
      );
      const put = await gantry('features', 'put', '--group', 'customer-activity', '--file', file, '--feature-table', featureTable, '--features-bucket', featuresBucket, '--json');
      expect(put.code).toBe(1);
      const result = put.json<{ written: number; skippedStale: number; staleRows: number[]; rejected: Array<{ row: number; reason: string }>; offlineObjects: string[] }>();
      expect(result.written).toBe(2);
      expect(result.skippedStale).toBe(1);
      expect(result.staleRows).toEqual([8]);
      expect(result.rejected.map((r) => r.row)).toEqual([3, 4, 5, 7]);
      expect(result.rejected.find((r) => r.row === 3)!.reason).toMatch(/entityId/);
      expect(result.rejected.find((r) => r.row === 4)!.reason).toMatch(/eventTime/);
      expect(result.rejected.find((r) => r.row === 5)!.reason).toMatch(/JSON/i);
      expect(result.rejected.find((r) => r.row === 7)!.reason).toBe('group "other-group" does not match --group customer-activity');
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: featuresBucket, Prefix: 'offline/customer_activity/' }));
      expect(listed.KeyCount).toBeGreaterThan(0);

      const get = await gantry('features', 'get', '--group', 'customer-activity', '--ids', 'c-1,c-2,c-9', '--feature-table', featureTable, '--json');
      expect(get.code).toBe(0);
      const got = get.json<{ rows: Array<{ entityId: string; values: Record<string, unknown> }>; missing: string[] }>();
      expect(got.rows.map((r) => [r.entityId, r.values.tenure_months])).toEqual([
        ['c-1', 12],
        ['c-2', 3],
      ]);
      expect(got.missing).toEqual(['c-9']);
    });

    it.each([
      [['features', 'put', '--group', 'customer-activity'], /--file is required/],
      [['features', 'put', '--group', 'nope', '--file', 'x.jsonl'], /--group nope is not a feature group of stage dev; known: customer-activity/],
      [['features', 'put', '--group', 'customer-activity', '--file', '/no/such/file.jsonl'], /--file \/no\/such\/file\.jsonl cannot be read/],
      [['features', 'get', '--group', 'customer-activity', '--ids', 'a,,b'], /--ids must be a comma-separated list/],
    ])('%j is a usage error', async (argv, message) => {
      const out = await gantry(...argv);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
    });
  });

  it('finds the tables of a stage in SSM with --stage', async () => {
    const ssmMock = mockClient(SSMClient);
    ssmMock.on(GetParameterCommand, { Name: '/gantry/dev/tables/registry' }).resolves({ Parameter: { Name: '/gantry/dev/tables/registry', Value: registryTable } });
    try {
      let stdout = '';
      const code = await run(['registry', 'list', '--model', 'churn', '--stage', 'dev', '--json'], { stdout: (t) => (stdout += t), stderr: () => undefined, env: {} }, clients);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).versions.length).toBeGreaterThan(0);
      expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/gantry/dev/tables/registry' }]);
    } finally {
      ssmMock.restore();
    }
  });

  it('runs as `gantry` from the shell against DynamoDB Local through the SDK endpoint variables', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '..', '..', 'bin', 'gantry.js'), 'registry', 'register', '--model', 'shell', '--artifact', ARTIFACT, '--image', IMAGE, '--json'], {
      env: { ...process.env, GANTRY_REGISTRY_TABLE: registryTable, AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'), AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ model: 'shell', version: 1, status: 'Registered' });
  }, 30_000);
});

describe('gantry registry approve|reject --task-token', () => {
  it('updates the registry, then answers the waiting pipeline with the exact request', async () => {
    const { SendTaskSuccessCommand, SendTaskFailureCommand } = await import('@aws-sdk/client-sfn');
    const sfnMock = mockClient(SFNClient);
    const dynamo = dynamoClient();
    const { tableName } = await localRegistryTable(dynamo);
    const clients = { dynamo: () => dynamo, sfn: () => new SFNClient({ region: 'us-east-1' }) } as unknown as CliClients;
    const io = (out: string[]) => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: { USER: 'ana', GANTRY_REGISTRY_TABLE: tableName } });
    try {
      for (const n of [1, 2]) expect(await run(['registry', 'register', '--model', 'churn', '--artifact', `s3://gantry-artifacts/churn/${n}/model.tar.gz`, '--image', IMAGE], io([]), clients)).toBe(0);
      const first: string[] = [];
      expect(await run(['registry', 'approve', '--model', 'churn', '--version', '1', '--task-token', 'token-1'], io(first), clients), first.join('')).toBe(0);
      expect(await run(['registry', 'reject', '--model', 'churn', '--version', '2', '--reason', 'bias check failed', '--task-token', 'token-2'], io([]), clients)).toBe(0);
      expect(sfnMock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 'token-1', output: JSON.stringify({ approved: true, model: 'churn', version: 1, by: 'cli:ana' }) }]);
      expect(sfnMock.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 'token-2', error: 'Rejected', cause: 'churn version 2 rejected by cli:ana: bias check failed' }]);
      // A version that cannot be approved is refused before the pipeline is told anything.
      const out: string[] = [];
      expect(await run(['registry', 'approve', '--model', 'churn', '--version', '2', '--task-token', 'token-3'], io(out), clients)).toBe(1);
      expect(out.join('')).toContain('cannot go from Rejected to Approved');
      expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    } finally {
      sfnMock.restore();
      dynamo.destroy();
    }
  });
});
