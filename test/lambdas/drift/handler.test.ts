import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi, type MockInstance } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import type { RegisterInput } from '../../../lambdas/core/registry/model';
import { handler, makeHandler, type DriftDeps, type StoredDriftReport } from '../../../lambdas/drift/handler';
import { type Baseline, type DriftCheckEvent, ENV, METRICS_NAMESPACE } from '../../../lib/contract';
import { s3Client, uniqueName } from '../../support/engines';
import { localRegistryTable } from '../../support/local-data';
import { ALL_BASIC_PSI, base64Csv, BASELINE, captureKey, captureLine, drifted, json, MALFORMED_LINES, steady, TOP_BIN_PSI } from './fixtures';

const STAGE = 'test';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311';

// EventBridge has no local engine: its client is mocked and every request asserted in full.
const eventBridgeMock = mockClient(EventBridgeClient);

interface Emf {
  readonly _aws: { readonly Timestamp: number; readonly CloudWatchMetrics: readonly { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  readonly [key: string]: unknown;
}

describe('drift handler', () => {
  let s3: S3Client;
  let dynamo: DynamoDBClient;
  let registryTable: string;
  let registry: DynamoRegistry;
  let captureBucket: string;
  let artifactsBucket: string;
  let baselineUri: string;
  let stdout: MockInstance;

  const version = (model: string, baseline?: string): RegisterInput => ({
    model,
    artifactUri: `s3://${artifactsBucket}/${model}/model.tar.gz`,
    imageUri: IMAGE,
    metrics: { auc: 0.9 },
    hyperparameters: {},
    dataInputs: [],
    createdBy: 'tester',
    ...(baseline === undefined ? {} : { baselineUri: baseline }),
  });

  /** Registers, approves and promotes a version (null: without a baseline); returns its number. */
  async function promoted(model: string, baseline: string | null = baselineUri): Promise<number> {
    const { version: v } = await registry.register(version(model, baseline ?? undefined));
    await registry.approve(model, v, 'tester');
    await registry.promote(model, v, 'tester');
    return v;
  }

  async function putCapture(endpoint: string, writtenAt: string, lines: readonly string[]): Promise<string> {
    const key = captureKey(endpoint, writtenAt);
    await s3.send(new PutObjectCommand({ Bucket: captureBucket, Key: key, Body: `${lines.join('\n')}\n` }));
    return key;
  }

  async function readReport(model: string, windowId: string): Promise<StoredDriftReport> {
    const object = await s3.send(new GetObjectCommand({ Bucket: artifactsBucket, Key: `reports/${model}/${windowId}.json` }));
    return JSON.parse(await object.Body!.transformToString()) as StoredDriftReport;
  }

  async function reportKeys(model: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: artifactsBucket, Prefix: `reports/${model}/` }));
    return (listed.Contents ?? []).map((o) => o.Key!);
  }

  function drift(at: string, deps: Partial<DriftDeps> = {}): (event: unknown) => ReturnType<ReturnType<typeof makeHandler>> {
    return makeHandler({
      s3,
      registry,
      eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE }),
      now: () => new Date(at),
      stage: STAGE,
      captureBucket,
      artifactsBucket,
      ...deps,
    });
  }

  /** The EMF documents written to stdout since the test began. */
  function emf(): Emf[] {
    return stdout.mock.calls.map(([text]) => String(text)).filter((text) => text.startsWith('{"_aws"')).map((text) => JSON.parse(text) as Emf);
  }

  const check = (model: string, patch: Partial<DriftCheckEvent> = {}): DriftCheckEvent => ({
    model,
    endpointName: `gantry-${STAGE}-${model}`,
    windowMinutes: 15,
    thresholds: { psi: 0.2, ks: 0.1 },
    consecutiveWindows: 2,
    ...patch,
  });

  beforeAll(async () => {
    s3 = s3Client();
    ({ client: dynamo, tableName: registryTable } = await localRegistryTable());
    registry = new DynamoRegistry({ client: dynamo, tableName: registryTable });
    captureBucket = uniqueName('capture');
    artifactsBucket = uniqueName('artifacts');
    await s3.send(new CreateBucketCommand({ Bucket: captureBucket }));
    await s3.send(new CreateBucketCommand({ Bucket: artifactsBucket }));
    baselineUri = `s3://${artifactsBucket}/baselines/churn/v1.json`;
    await s3.send(new PutObjectCommand({ Bucket: artifactsBucket, Key: 'baselines/churn/v1.json', Body: JSON.stringify(BASELINE) }));
  });

  beforeEach(() => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stdout.mockRestore();
    eventBridgeMock.reset();
  });

  afterAll(() => {
    s3?.destroy();
    dynamo?.destroy();
  });

  it('streams a window that crosses an hour, skipping records outside it and counting malformed lines, into metrics and a report', async () => {
    const model = 'churn';
    const version = await promoted(model);
    const endpoint = `gantry-${STAGE}-${model}`;
    // The window is [10:45, 11:15): 30 minutes ending at the last quarter hour before 11:20.
    await putCapture(endpoint, '2026-11-22T09:59:00.000Z', [captureLine('2026-11-22T09:58:00Z', json(steady(10)))]);
    await putCapture(endpoint, '2026-11-22T10:41:00.000Z', [captureLine('2026-11-22T10:40:00Z', base64Csv(steady(3)))]);
    await putCapture(endpoint, '2026-11-22T10:56:00.123Z', [
      captureLine('2026-11-22T10:44:59.999Z', base64Csv(steady(2))),
      captureLine('2026-11-22T10:50:00Z', base64Csv(drifted(5))),
      '',
      MALFORMED_LINES['not-json'],
      captureLine('2026-11-22T10:55:00Z', json(drifted(5))),
      MALFORMED_LINES['unknown-encoding']('2026-11-22T10:55:01Z'),
      MALFORMED_LINES['bad-base64']('2026-11-22T10:55:02Z'),
    ]);
    await putCapture(endpoint, '2026-11-22T11:15:30.000Z', [
      captureLine('2026-11-22T11:05:00Z', base64Csv(drifted(2), ['95,basic,extra'])),
      captureLine('2026-11-22T11:14:59.999Z', json(drifted(1))),
      captureLine('2026-11-22T11:15:00Z', json(steady(4))),
    ]);

    const result = await drift('2026-11-22T11:20:00.000Z', { listPageSize: 1 })(check(model, { windowMinutes: 30 }));

    const reportUri = `s3://${artifactsBucket}/reports/churn/2026-11-22T10-45Z.json`;
    expect(result).toEqual({ status: 'checked', windowId: '2026-11-22T10-45Z', version, records: 13, drifted: true, driftDetectedEventSent: false, reportUri });
    const numeric = (name: string) => ({ name, kind: 'numeric', count: 13, missing: 0, psi: expect.closeTo(TOP_BIN_PSI, 9), ks: expect.closeTo(0.9, 9), drifted: true });
    expect(await readReport(model, '2026-11-22T10-45Z')).toEqual({
      model,
      window: { from: '2026-11-22T10:45:00.000Z', to: '2026-11-22T11:15:00.000Z' },
      records: 13,
      malformed: { 'not-json': 1, 'bad-base64': 1, 'unknown-encoding': 1, 'wrong-column-count': 1 },
      features: [
        numeric('tenure'),
        // 13 basic against shares 0.5, 0.5 and other 1e-4: chi-square 6.5 + 6.5 + 0.0013 on 2 degrees of freedom.
        { name: 'plan', kind: 'categorical', count: 13, missing: 0, psi: expect.closeTo(ALL_BASIC_PSI, 9), ks: 0, pValue: expect.closeTo(Math.exp(-13.0013 / 2), 9), drifted: true },
      ],
      prediction: numeric('prediction'),
      maxPsi: expect.closeTo(TOP_BIN_PSI, 9),
      maxKs: expect.closeTo(0.9, 9),
      noData: false,
      drifted: true,
      thresholds: { psi: 0.2, ks: 0.1 },
      version,
      baselineUri,
    } satisfies Record<keyof StoredDriftReport, unknown>);

    const documents = emf();
    expect(documents[0]).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-11-22T11:20:00.000Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Gantry',
            Dimensions: [['Stage', 'Model']],
            Metrics: [
              { Name: 'DriftMaxPSI', Unit: 'None' },
              { Name: 'DriftMaxKS', Unit: 'None' },
              { Name: 'DriftDetected', Unit: 'Count' },
              { Name: 'DriftRecords', Unit: 'Count' },
              { Name: 'DriftMalformedRecords', Unit: 'Count' },
            ],
          },
        ],
      },
      Stage: 'test',
      Model: 'churn',
      DriftMaxPSI: expect.closeTo(TOP_BIN_PSI, 9),
      DriftMaxKS: expect.closeTo(0.9, 9),
      DriftDetected: 1,
      DriftRecords: 13,
      DriftMalformedRecords: 4,
    });
    expect(documents.slice(1).map((d) => [d._aws.CloudWatchMetrics[0]!.Dimensions, d.Feature, d._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)])).toEqual([
      [[['Stage', 'Model', 'Feature']], 'tenure', ['FeaturePSI', 'FeatureKS']],
      [[['Stage', 'Model', 'Feature']], 'plan', ['FeaturePSI']],
      [[['Stage', 'Model', 'Feature']], 'prediction', ['FeaturePSI', 'FeatureKS']],
    ]);
    expect(documents[2]).toMatchObject({ Stage: 'test', Model: 'churn', Feature: 'plan', FeaturePSI: expect.closeTo(ALL_BASIC_PSI, 9) });
    // One drifted window of the two required: no event yet.
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends DriftDetected once drift has held for the consecutive windows, once per streak, never for an empty window', async () => {
    const model = 'persist';
    const version = await promoted(model);
    const endpoint = `gantry-${STAGE}-${model}`;
    for (const time of ['10:05', '10:20', '10:35', '11:05', '11:20']) await putCapture(endpoint, `2026-11-22T${time}:30.000Z`, [captureLine(`2026-11-22T${time}:00Z`, base64Csv(drifted(2)))]);
    const run = (at: string) => drift(`2026-11-22T${at}:00.000Z`)(check(model));
    const sent = () => eventBridgeMock.commandCalls(PutEventsCommand).length;

    expect(await run('10:21')).toMatchObject({ windowId: '2026-11-22T10-00Z', drifted: true, driftDetectedEventSent: false });
    expect(sent()).toBe(0);

    expect(await run('10:36')).toMatchObject({ windowId: '2026-11-22T10-15Z', drifted: true, driftDetectedEventSent: true });
    const report = await readReport(model, '2026-11-22T10-15Z');
    const detail = {
      model,
      stage: STAGE,
      version,
      window: { from: '2026-11-22T10:15:00.000Z', to: '2026-11-22T10:30:00.000Z' },
      maxPsi: report.maxPsi,
      maxKs: report.maxKs,
      features: ['tenure', 'plan', 'prediction'],
      reportUri: `s3://${artifactsBucket}/reports/persist/2026-11-22T10-15Z.json`,
    };
    expect(eventBridgeMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([{ Entries: [{ Source: 'gantry.drift', DetailType: 'DriftDetected', Detail: JSON.stringify(detail) }] }]);
    expect(report.maxPsi).toBeCloseTo(TOP_BIN_PSI, 9);

    // The streak goes on: no second event for it.
    expect(await run('10:51')).toMatchObject({ drifted: true, driftDetectedEventSent: false });
    expect(sent()).toBe(1);

    // [10:45, 11:00) has no traffic: only the record counts are published, so the alarm sees no value.
    stdout.mockClear();
    expect(await run('11:06')).toEqual({ status: 'checked', windowId: '2026-11-22T10-45Z', version, records: 0, drifted: false, driftDetectedEventSent: false, reportUri: `s3://${artifactsBucket}/reports/persist/2026-11-22T10-45Z.json` });
    expect(emf()).toEqual([
      {
        _aws: { Timestamp: Date.parse('2026-11-22T11:06:00.000Z'), CloudWatchMetrics: [{ Namespace: 'Gantry', Dimensions: [['Stage', 'Model']], Metrics: [{ Name: 'DriftRecords', Unit: 'Count' }, { Name: 'DriftMalformedRecords', Unit: 'Count' }] }] },
        Stage: 'test',
        Model: 'persist',
        DriftRecords: 0,
        DriftMalformedRecords: 0,
      },
    ]);
    expect(await readReport(model, '2026-11-22T10-45Z')).toMatchObject({ records: 0, noData: true, drifted: false, maxPsi: 0 });

    // The empty window broke the streak: a new one needs two drifted windows again.
    expect(await run('11:21')).toMatchObject({ drifted: true, driftDetectedEventSent: false });
    expect(await run('11:36')).toMatchObject({ windowId: '2026-11-22T11-15Z', drifted: true, driftDetectedEventSent: true });
    expect(sent()).toBe(2);
  });

  it('counts a record of the last second of a window that SageMaker flushed into the next hour\'s folder', async () => {
    const model = 'boundary';
    await promoted(model);
    const endpoint = `gantry-${STAGE}-${model}`;
    // Written at 11:02 under …/11/, but its inference time is 10:59:59: it belongs to [10:45, 11:00).
    await putCapture(endpoint, '2026-11-22T11:02:00.000Z', [captureLine('2026-11-22T10:59:59Z', base64Csv(steady(3))), captureLine('2026-11-22T11:01:00Z', base64Csv(steady(5)))]);
    expect(await drift('2026-11-22T11:06:00.000Z')(check(model))).toMatchObject({ windowId: '2026-11-22T10-45Z', records: 3 });
  });

  it('sends DriftDetected on the first drifted window when one window is enough', async () => {
    const model = 'single';
    await promoted(model);
    await putCapture(`gantry-${STAGE}-${model}`, '2026-11-22T10:05:30.000Z', [captureLine('2026-11-22T10:05:00Z', json(drifted(3)))]);
    expect(await drift('2026-11-22T10:21:00.000Z')(check(model, { consecutiveWindows: 1 }))).toMatchObject({ drifted: true, driftDetectedEventSent: true });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('sends nothing for steady traffic', async () => {
    const model = 'steady';
    const version = await promoted(model);
    await putCapture(`gantry-${STAGE}-${model}`, '2026-11-22T10:05:30.000Z', [captureLine('2026-11-22T10:05:00Z', json(steady(10)))]);
    expect(await drift('2026-11-22T10:21:00.000Z')(check(model, { consecutiveWindows: 1 }))).toEqual({
      status: 'checked',
      windowId: '2026-11-22T10-00Z',
      version,
      records: 10,
      drifted: false,
      driftDetectedEventSent: false,
      reportUri: `s3://${artifactsBucket}/reports/steady/2026-11-22T10-00Z.json`,
    });
    expect(emf()[0]).toMatchObject({ DriftMaxPSI: 0, DriftMaxKS: expect.closeTo(0, 12), DriftDetected: 0, DriftRecords: 10 });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('starts a new streak when the production version changes', async () => {
    const model = 'versions';
    await promoted(model);
    const endpoint = `gantry-${STAGE}-${model}`;
    for (const time of ['10:05', '10:20']) await putCapture(endpoint, `2026-11-22T${time}:30.000Z`, [captureLine(`2026-11-22T${time}:00Z`, json(drifted(2)))]);
    expect(await drift('2026-11-22T10:21:00.000Z')(check(model))).toMatchObject({ version: 1, drifted: true });
    await promoted(model);
    expect(await drift('2026-11-22T10:36:00.000Z')(check(model))).toMatchObject({ version: 2, drifted: true, driftDetectedEventSent: false });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('checks the window the event names', async () => {
    const model = 'backfill';
    await promoted(model);
    await putCapture(`gantry-${STAGE}-${model}`, '2026-11-20T08:05:30.000Z', [captureLine('2026-11-20T08:05:00Z', json(drifted(3))), captureLine('2026-11-20T08:25:00Z', json(drifted(4)))]);
    const result = await drift('2026-11-22T10:21:00.000Z')(check(model, { window: { from: '2026-11-20T08:00:00Z', to: '2026-11-20T08:20:00Z' } }));
    expect(result).toMatchObject({ status: 'checked', windowId: '2026-11-20T08-00Z', records: 3 });
    expect(await readReport(model, '2026-11-20T08-00Z')).toMatchObject({ window: { from: '2026-11-20T08:00:00.000Z', to: '2026-11-20T08:20:00.000Z' }, records: 3 });
  });

  it('throws DriftEventError when EventBridge refuses the event, after writing the report', async () => {
    const model = 'refused';
    await promoted(model);
    await putCapture(`gantry-${STAGE}-${model}`, '2026-11-22T10:05:30.000Z', [captureLine('2026-11-22T10:05:00Z', json(drifted(3)))]);
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(drift('2026-11-22T10:21:00.000Z')(check(model, { consecutiveWindows: 1 }))).rejects.toMatchObject({
      name: 'DriftEventError',
      message: 'model "refused": PutEvents refused the DriftDetected event: InternalFailure: try again',
    });
    expect(await reportKeys(model)).toEqual(['reports/refused/2026-11-22T10-00Z.json']);
  });

  it.each([
    ['a model the registry does not know', 'unknown-model', false],
    ['a model with no production version', 'unpromoted', true],
  ])('returns no-production for %s, publishing and writing nothing', async (_, model, register) => {
    if (register) await registry.register(version(model, baselineUri));
    expect(await drift('2026-11-22T10:21:00.000Z')(check(model))).toEqual({ status: 'no-production' });
    expect(emf()).toEqual([]);
    expect(await reportKeys(model)).toEqual([]);
  });

  it('returns no-baseline when the production version has none', async () => {
    const model = 'no-baseline';
    const v = await promoted(model, null);
    expect(await drift('2026-11-22T10:21:00.000Z')(check(model))).toEqual({ status: 'no-baseline', version: v });
    expect(emf()).toEqual([]);
    expect(await reportKeys(model)).toEqual([]);
  });

  describe('throws InvalidBaselineError naming the URI', () => {
    const bad: [string, string | undefined, RegExp][] = [
      ['not JSON', '{"formatVersion": 1,', /not JSON/],
      ['another format version', JSON.stringify({ ...BASELINE, formatVersion: 2 }), /formatVersion is 2, this monitor reads 1/],
      ['a feature of an unknown kind', JSON.stringify({ ...BASELINE, features: [{ name: 'x', kind: 'ordinal' }] }), /features\.0\.kind/],
      ['bins and proportions that disagree', JSON.stringify({ ...BASELINE, features: [{ ...BASELINE.features[0], proportions: [0.5, 0.5] }] } as Baseline), /features\.0\.proportions: must hold one proportion per bin/],
      ['no object', undefined, /no such object/],
    ];
    it.each(bad)('for %s', async (_, body, reason) => {
      const model = uniqueName('bad-baseline').slice(0, 32).replace(/-+$/, '');
      const key = `baselines/${model}.json`;
      if (body !== undefined) await s3.send(new PutObjectCommand({ Bucket: artifactsBucket, Key: key, Body: body }));
      await promoted(model, `s3://${artifactsBucket}/${key}`);
      const error = await drift('2026-11-22T10:21:00.000Z')(check(model)).catch((e: unknown) => e as Error);
      expect(error).toMatchObject({ name: 'InvalidBaselineError', uri: `s3://${artifactsBucket}/${key}` });
      expect((error as Error).message).toMatch(new RegExp(`^baseline s3://${artifactsBucket}/${key}: ${reason.source}`));
      expect(await reportKeys(model)).toEqual([]);
    });
  });

  it.each([
    [{ model: 'Not A Model' }, /^invalid event: model: /],
    [{ endpointName: 'bad_endpoint' }, /endpointName: must be a SageMaker endpoint name/],
    [{ windowMinutes: 0 }, /windowMinutes: must be at least 1/],
    [{ windowMinutes: 7.5 }, /windowMinutes: must be a whole number of minutes/],
    [{ windowMinutes: 1441 }, /windowMinutes: must be at most 1440/],
    [{ thresholds: { psi: 0, ks: 0.1 } }, /thresholds\.psi: must be positive/],
    [{ thresholds: { psi: 0.2, ks: 1.5 } }, /thresholds\.ks: must be at most 1/],
    [{ thresholds: { psi: 0.2 } }, /thresholds\.ks: expected number \(missing\)/],
    [{ consecutiveWindows: 0 }, /consecutiveWindows: must be at least 1/],
    [{ consecutiveWindows: 1.5 }, /consecutiveWindows: must be a whole number/],
    [{ window: { from: 'yesterday', to: '2026-11-22T10:00:00Z' } }, /window\.from: must be an ISO 8601 timestamp with a time zone/],
    [{ window: { from: '2026-11-22T10:00:00', to: '2026-11-22T11:00:00Z' } }, /window\.from: must be an ISO 8601 timestamp with a time zone/],
    [{ window: { from: '2026-11-22T10:00:00Z', to: '2026-02-30T11:00:00Z' } }, /window\.to: must be an ISO 8601 timestamp with a time zone/],
    [{ window: { from: '2026-11-22T10:00:00Z', to: '2026-11-22T10:00:00Z' } }, /window\.to: must be after window\.from/],
    [{ window: { from: '2026-11-20T10:00:00Z', to: '2026-11-22T10:00:00Z' } }, /window\.to: must be at most 1440 minutes after window\.from/],
    [{ stage: 'prod' }, /unknown key\(s\) stage/],
  ])('throws InvalidEventError naming the field for bad event %#', async (patch, message) => {
    await expect(drift('2026-11-22T10:21:00.000Z')({ ...check('churn'), ...patch })).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
  });

  it('runs as deployed: the exported handler reads its configuration from the environment', async () => {
    const env = { [ENV.stage]: STAGE, [ENV.registryTable]: registryTable, [ENV.captureBucket]: captureBucket, [ENV.artifactsBucket]: artifactsBucket, AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint') };
    Object.assign(process.env, env);
    try {
      expect(await handler(check('never-registered'))).toEqual({ status: 'no-production' });
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
  });
});
