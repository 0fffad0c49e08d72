import { DescribeEndpointCommand, SageMakerClient, type DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { FeatureValue, GetResult, OnlineFeatureReader, OnlineRow } from '../../lambdas/core/features/types';
import {
  EndpointUnavailableError,
  GantryClient,
  InvalidInputError,
  MissingFeaturesError,
  ModelInvocationError,
  UnknownModelError,
  type GantryClientSettings,
  type ModelCatalog,
  type PredictRequest,
} from '../../client';
import { endpointName } from '../../lib/contract';
import { FakeSageMakerRuntime, modelError, ok, serviceError } from '../../tools/local/fake-sagemaker-runtime';

const STAGE = 'test';
const CHURN_FEATURES = ['tenure', 'plan', 'calls'];
const MODELS: ModelCatalog = {
  churn: {
    model: 'churn',
    endpointName: endpointName(STAGE, 'churn'),
    contentType: 'text/csv',
    features: { group: 'customer', names: CHURN_FEATURES },
  },
  ranker: {
    model: 'ranker',
    endpointName: endpointName(STAGE, 'ranker'),
    contentType: 'application/json',
    features: { group: 'item', names: ['price', 'views'] },
  },
  // No feature group: callers must send records.
  freeform: { model: 'freeform', endpointName: endpointName(STAGE, 'freeform'), contentType: 'application/json' },
};

/** An in-memory online store that records its calls. */
class FakeFeatureReader implements OnlineFeatureReader {
  readonly calls: { group: string; entityIds: string[] }[] = [];
  private readonly rows = new Map<string, OnlineRow>();

  put(group: string, entityId: string, values: Record<string, FeatureValue>): void {
    const time = '2026-01-01T00:00:00Z';
    this.rows.set(`${group}|${entityId}`, { entityId, group, eventTime: time, writtenAt: time, values });
  }

  async getMany(group: string, entityIds: readonly string[]): Promise<GetResult> {
    this.calls.push({ group, entityIds: [...entityIds] });
    const rows = new Map<string, OnlineRow>();
    const missing: string[] = [];
    for (const id of entityIds) {
      const row = this.rows.get(`${group}|${id}`);
      if (row) rows.set(id, row);
      else missing.push(id);
    }
    return { rows, missing };
  }
}

let fake: FakeSageMakerRuntime;
let runtime: SageMakerRuntimeClient;
let store: FakeFeatureReader;

beforeAll(async () => {
  fake = await FakeSageMakerRuntime.start();
  runtime = fake.client();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  store = new FakeFeatureReader();
  for (let i = 0; i < 100; i++) store.put('customer', `c-${i}`, { tenure: i, plan: i % 2 === 0 ? 'basic' : 'pro', calls: i % 3 });
});

function client(settings: Omit<GantryClientSettings, 'runtime'> = {}): GantryClient {
  return new GantryClient({ stage: STAGE, models: MODELS, runtime, features: store, ...settings });
}

describe('GantryClient.predict', () => {
  it('sends CSV in the model\'s feature order and returns the variant and the version the container reports', async () => {
    fake.enqueue({ ...ok('0.81\n0.12\n', 'primary', 'text/csv'), customAttributes: 'gantry-model-version=7' });
    const result = await client().predict({
      model: 'churn',
      features: [
        { plan: 'basic', calls: 2, tenure: 12 },
        { calls: 0, tenure: 3.5, plan: 'pro', ignored: 'x' },
      ],
      customAttributes: 'trace=abc',
      targetVariant: 'primary',
    });

    expect(result).toEqual({
      model: 'churn',
      endpointName: 'gantry-test-churn',
      predictions: [[0.81], [0.12]],
      variant: 'primary',
      modelVersion: 7,
      modelVersionSource: 'container',
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/endpoints/gantry-test-churn/invocations',
      endpointName: 'gantry-test-churn',
      contentType: 'text/csv',
      accept: 'text/csv',
      customAttributes: 'trace=abc',
      targetVariant: 'primary',
      body: '12,basic,2\n3.5,pro,0',
    });
  });

  it('sends JSON instances and returns the predictions field', async () => {
    fake.enqueue(ok('{"predictions":[{"score":0.3},{"score":0.9}]}', 'primary', 'application/json'));
    const result = await client().predict({ model: 'ranker', features: [{ views: 10, price: 9.99 }, { price: 1, views: 0 }] });

    expect(result.predictions).toEqual([{ score: 0.3 }, { score: 0.9 }]);
    expect(result.variant).toBe('primary');
    expect(fake.requests[0].contentType).toBe('application/json');
    expect(fake.requests[0].accept).toBe('application/json');
    expect(fake.requests[0].customAttributes).toBeUndefined();
    expect(fake.requests[0].targetVariant).toBeUndefined();
    expect(fake.requests[0].body).toBe('{"instances":[{"price":9.99,"views":10},{"price":1,"views":0}]}');
  });

  it('joins online features for 100 entities in one getMany call, in entity order', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `c-${99 - i}`);
    fake.enqueue(ok(ids.map((_, i) => String(i / 100)).join('\n')));
    const result = await client().predict({ model: 'churn', entityIds: ids });

    expect(store.calls).toEqual([{ group: 'customer', entityIds: ids }]);
    const lines = fake.requests[0].body.split('\n');
    expect(lines).toHaveLength(100);
    expect(lines[0]).toBe('99,pro,0');
    expect(lines[99]).toBe('0,basic,0');
    expect(result.predictions).toHaveLength(100);
  });

  it('reads a repeated entity once and scores it at each position', async () => {
    fake.enqueue(ok('1\n2\n3'));
    await client().predict({ model: 'churn', entityIds: ['c-1', 'c-2', 'c-1'] });

    expect(store.calls).toEqual([{ group: 'customer', entityIds: ['c-1', 'c-2'] }]);
    expect(fake.requests[0].body).toBe('1,pro,1\n2,basic,2\n1,pro,1');
  });

  it('throws MissingFeaturesError naming absent entities, without calling the endpoint', async () => {
    const error = await client()
      .predict({ model: 'churn', entityIds: ['c-1', 'nope-1', 'c-2', 'nope-2'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MissingFeaturesError);
    expect(error).toMatchObject({ name: 'MissingFeaturesError', model: 'churn', entityIds: ['nope-1', 'nope-2'], features: [] });
    expect((error as Error).message).toContain('"nope-1", "nope-2"');
    expect(fake.requests).toHaveLength(0);
  });

  it('throws MissingFeaturesError naming features that are null or absent', async () => {
    store.put('customer', 'partial', { tenure: 1, plan: null });
    const error = await client()
      .predict({ model: 'churn', entityIds: ['c-1', 'partial'] })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'MissingFeaturesError', entityIds: ['partial'], features: ['plan', 'calls'] });
    expect(fake.requests).toHaveLength(0);
  });

  it.each(['fraud', 'constructor', '__proto__'])('throws UnknownModelError for "%s", listing the known models', async (model) => {
    const error = await client()
      .predict({ model, features: [{ a: 1 }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnknownModelError);
    expect(error).toMatchObject({ name: 'UnknownModelError', model, knownModels: ['churn', 'freeform', 'ranker'] });
    expect((error as Error).message).toContain('"churn", "freeform", "ranker"');
    expect(fake.requests).toHaveLength(0);
  });

  const invalid: { name: string; request: PredictRequest; settings?: Omit<GantryClientSettings, 'runtime'>; message: RegExp }[] = [
    { name: 'neither entityIds nor features', request: { model: 'churn' }, message: /exactly one of entityIds or features/ },
    { name: 'both entityIds and features', request: { model: 'churn', entityIds: ['c-1'], features: [{}] }, message: /exactly one/ },
    { name: 'empty entityIds', request: { model: 'churn', entityIds: [] }, message: /entityIds is empty/ },
    { name: 'empty features', request: { model: 'churn', features: [] }, message: /features is empty/ },
    {
      name: 'more entities than the limit',
      request: { model: 'churn', entityIds: ['c-1', 'c-2', 'c-3'] },
      settings: { maxEntities: 2 },
      message: /entityIds has 3 entries; the limit is 2/,
    },
    { name: 'too many records (default limit 1000)', request: { model: 'ranker', features: Array.from({ length: 1001 }, () => ({ price: 1, views: 1 })) }, message: /the limit is 1000/ },
    { name: 'an empty entity id', request: { model: 'churn', entityIds: ['c-1', ''] }, message: /entityIds\[1\] must be a non-empty string/ },
    { name: 'a record missing a feature', request: { model: 'churn', features: [{ tenure: 1, plan: 'basic' }] }, message: /features\[0\], feature "calls": value is missing/ },
    { name: 'a non-scalar value', request: { model: 'ranker', features: [{ price: [1] as unknown as number, views: 1 }] }, message: /got an array/ },
    { name: 'a non-finite number', request: { model: 'churn', features: [{ tenure: Infinity, plan: 'basic', calls: 1 }] }, message: /not a finite number/ },
    { name: 'a CSV-unsafe string', request: { model: 'churn', features: [{ tenure: 1, plan: 'a,b', calls: 1 }] }, message: /comma, quote or line break/ },
    { name: 'entityIds for a model without a feature group', request: { model: 'freeform', entityIds: ['c-1'] }, message: /no online feature group/ },
    { name: 'customAttributes over 1024 characters', request: { model: 'ranker', features: [{ price: 1, views: 1 }], customAttributes: 'x'.repeat(1025) }, message: /customAttributes/ },
    { name: 'an empty targetVariant', request: { model: 'ranker', features: [{ price: 1, views: 1 }], targetVariant: '' }, message: /targetVariant/ },
  ];
  it.each(invalid)('throws InvalidInputError on $name, without calling anything', async ({ request, settings, message }) => {
    const error = await client(settings)
      .predict(request)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect(store.calls).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('throws InvalidInputError for entityIds when the client has no feature reader', async () => {
    const bare = new GantryClient({ stage: STAGE, models: MODELS, runtime });
    await expect(bare.predict({ model: 'churn', entityIds: ['c-1'] })).rejects.toThrow(/online feature reader/);
    expect(fake.requests).toHaveLength(0);
  });

  it('retries a 503 and returns the prediction of the second attempt', async () => {
    fake.enqueue(serviceError(503, 'ServiceUnavailable'), { ...ok('0.5'), customAttributes: 'gantry-model-version=4' });
    const result = await client().predict({ model: 'churn', entityIds: ['c-1'] });

    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].body).toBe(fake.requests[0].body);
    expect(result).toMatchObject({ predictions: [[0.5]], variant: 'primary', modelVersion: 4 });
  });

  it('retries throttling (429 ThrottlingException) and unknown 5xx', async () => {
    fake.enqueue(serviceError(429, 'ThrottlingException'), { status: 502, body: 'bad gateway' }, ok('1'));
    const result = await client().predict({ model: 'churn', entityIds: ['c-1'] });

    expect(fake.requests).toHaveLength(3);
    expect(result.predictions).toEqual([[1]]);
  });

  it('throws EndpointUnavailableError after maxAttempts when the endpoint keeps answering 503', async () => {
    fake.always(serviceError(503, 'ServiceUnavailable', 'overloaded'));
    const error = await client({ maxAttempts: 4 })
      .predict({ model: 'churn', entityIds: ['c-1'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect(error).toMatchObject({ name: 'EndpointUnavailableError', endpointName: 'gantry-test-churn', attempts: 4 });
    expect((error as Error).cause).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    expect(fake.requests).toHaveLength(4);
  });

  it('aborts an attempt that outlives timeoutMs, retries, then throws EndpointUnavailableError quickly', async () => {
    fake.always({ ...ok('0.5'), delayMs: 10_000 });
    const started = Date.now();
    const error = await client({ timeoutMs: 150, maxAttempts: 2 })
      .predict({ model: 'churn', entityIds: ['c-1'] })
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect((error as Error).message).toMatch(/after 2 attempt\(s\).*no response within 150 ms/);
    expect(fake.requests).toHaveLength(2);
    // The server sees both connections closed before it answered: the HTTP requests were aborted.
    await vi.waitFor(() => expect(fake.abandoned).toBe(2));
    // Two 150 ms attempts plus at most 100 ms of backoff, with slack for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('succeeds when a slow first attempt times out and the retry is fast', async () => {
    fake.enqueue({ ...ok('0.1'), delayMs: 5_000 }, { ...ok('0.2'), customAttributes: 'gantry-model-version=9' });
    const result = await client({ timeoutMs: 150 }).predict({ model: 'churn', entityIds: ['c-1'] });

    expect(result).toMatchObject({ predictions: [[0.2]], modelVersion: 9 });
    expect(fake.requests).toHaveLength(2);
  });

  it('throws ModelInvocationError on a ModelError (424) without retrying', async () => {
    fake.always(modelError(400, 'could not convert string to float'));
    const error = await client()
      .predict({ model: 'churn', entityIds: ['c-1'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ModelInvocationError);
    expect(error).toMatchObject({ name: 'ModelInvocationError', endpointName: 'gantry-test-churn', originalStatusCode: 400 });
    expect((error as ModelInvocationError).logStreamArn).toMatch(/^arn:aws:logs:/);
    expect((error as Error).message).toContain('container returned 400: could not convert string to float');
    expect((error as Error).cause).toMatchObject({ name: 'ModelError' });
    expect(fake.requests).toHaveLength(1);
  });

  it('throws EndpointUnavailableError without retrying when the endpoint does not exist', async () => {
    fake.always(serviceError(400, 'ValidationError', 'Endpoint gantry-test-churn of account 123456789012 not found.'));
    const error = await client()
      .predict({ model: 'churn', entityIds: ['c-1'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('throws InvalidInputError without retrying on another ValidationError', async () => {
    fake.always(serviceError(400, 'ValidationError', 'Inference Component Name header is required for endpoints to which you plan to deploy inference components.'));
    await expect(client().predict({ model: 'churn', entityIds: ['c-1'] })).rejects.toThrow(InvalidInputError);
    expect(fake.requests).toHaveLength(1);
  });

  it('throws EndpointUnavailableError after retrying network errors', async () => {
    const closed = await FakeSageMakerRuntime.start();
    const unreachable = closed.client();
    await closed.close();
    const error = await new GantryClient({ stage: STAGE, models: MODELS, runtime: unreachable, features: store, maxAttempts: 2 })
      .predict({ model: 'churn', entityIds: ['c-1'] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect(error).toMatchObject({ attempts: 2 });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('throws ModelInvocationError when a JSON response does not parse', async () => {
    fake.enqueue(ok('{"predictions": [0.1', 'primary', 'application/json'));
    await expect(client().predict({ model: 'ranker', features: [{ price: 1, views: 2 }] })).rejects.toThrow(ModelInvocationError);
    expect(fake.requests).toHaveLength(1);
  });

  it('passes any variant name through, leaves modelVersion undefined with no report and no sagemaker client, and returns the raw body on request', async () => {
    fake.enqueue(ok('{"scores":[1]}', 'AllTraffic', 'application/json'));
    const result = await client().predict({ model: 'freeform', features: [{ anything: 'goes' }], includeRaw: true });

    expect(result).toEqual({
      model: 'freeform',
      endpointName: 'gantry-test-freeform',
      predictions: { scores: [1] },
      variant: 'AllTraffic',
      modelVersion: undefined,
      modelVersionSource: undefined,
      raw: '{"scores":[1]}',
    });
  });

  it('loads a lazy catalog once, and again after a failed load', async () => {
    let loads = 0;
    const lazy = new GantryClient({
      stage: STAGE,
      runtime,
      models: async () => {
        loads += 1;
        if (loads === 1) throw new Error('ssm throttled');
        return MODELS;
      },
    });
    fake.always(ok('1'));

    await expect(lazy.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] })).rejects.toThrow('ssm throttled');
    await lazy.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] });
    await lazy.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] });
    expect(loads).toBe(2);
  });

  it('warns once when the injected runtime client retries by itself', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const retrying = new GantryClient({ stage: STAGE, models: MODELS, runtime: fake.client({ maxAttempts: 3 }) });
      fake.always(ok('1'));
      await retrying.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] });
      await retrying.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] });
      await client().predict({ model: 'ranker', features: [{ price: 1, views: 1 }] });

      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/maxAttempts 3\), so a predict may send up to 9 requests/), {
        code: 'GANTRY_RUNTIME_RETRIES',
      });
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    { option: 'timeoutMs', value: 0 },
    { option: 'maxAttempts', value: 1.5 },
    { option: 'maxEntities', value: -1 },
    { option: 'versionCacheMs', value: 0 },
  ])('throws when $option is $value', ({ option, value }) => {
    expect(() => new GantryClient({ stage: STAGE, models: MODELS, runtime, [option]: value })).toThrow(
      new RegExp(`option ${option} must be a positive`),
    );
  });
});

// SageMaker's control plane has no local engine: DescribeEndpoint is mocked and each request asserted in full.
describe('GantryClient.predict: which model version answered', () => {
  const sagemaker = new SageMakerClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
  const sagemakerMock = mockClient(sagemaker);
  const CHURN_ENDPOINT = 'gantry-test-churn';
  const inService = (config: string): Partial<DescribeEndpointCommandOutput> => ({ EndpointName: CHURN_ENDPOINT, EndpointStatus: 'InService', EndpointConfigName: config });
  const describeInputs = () => sagemakerMock.commandCalls(DescribeEndpointCommand).map((call) => call.args[0].input);
  const features = [{ tenure: 1, plan: 'basic', calls: 0 }];
  let warn: MockInstance<typeof process.emitWarning>;

  // The cache's clock, moved on by hand: performance.now() plus a skip.
  let skippedMs = 0;
  const skip = (ms: number) => (skippedMs += ms);

  function versioned(settings: Omit<GantryClientSettings, 'runtime' | 'sagemaker'> = {}): GantryClient {
    return client({ sagemaker, ...settings });
  }

  beforeEach(() => {
    sagemakerMock.reset();
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const realNow = performance.now.bind(performance);
    const now = vi.spyOn(globalThis.performance, 'now').mockImplementation(() => realNow() + skippedMs);
    return () => {
      warn.mockRestore();
      now.mockRestore();
    };
  });

  afterAll(() => {
    sagemakerMock.restore();
    sagemaker.destroy();
  });

  it('reads the version the endpoint serves from its config name, with one exact DescribeEndpoint for 50 predicts', async () => {
    let answer!: () => void;
    sagemakerMock.on(DescribeEndpointCommand).callsFake(() => new Promise((resolve) => (answer = () => resolve(inService('gantry-test-churn-v3-1a2b3c4d')))));
    fake.always(ok('0.5'));
    const gantry = versioned();

    // 20 concurrent predicts while the lookup is in flight share it, the next 30 read the cache.
    const concurrent = Array.from({ length: 20 }, () => gantry.predict({ model: 'churn', features }));
    await vi.waitFor(() => expect(fake.requests).toHaveLength(20), { timeout: 10_000 });
    answer();
    const results = await Promise.all(concurrent);
    for (let i = 0; i < 30; i++) results.push(await gantry.predict({ model: 'churn', features }));

    expect(results).toHaveLength(50);
    for (const result of results) expect(result).toMatchObject({ variant: 'primary', modelVersion: 3, modelVersionSource: 'endpoint' });
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('looks up each endpoint once', async () => {
    sagemakerMock
      .on(DescribeEndpointCommand, { EndpointName: CHURN_ENDPOINT })
      .resolves(inService('gantry-test-churn-v3-1a2b3c4d'))
      .on(DescribeEndpointCommand, { EndpointName: 'gantry-test-ranker' })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: 'gantry-test-ranker-v12-0f0f0f0f' });
    fake.always(ok('{"predictions":[1]}', 'primary', 'application/json'));
    const gantry = versioned();

    for (let i = 0; i < 3; i++) {
      await expect(gantry.predict({ model: 'churn', features })).resolves.toMatchObject({ modelVersion: 3 });
      await expect(gantry.predict({ model: 'ranker', features: [{ price: 1, views: 1 }] })).resolves.toMatchObject({ modelVersion: 12 });
    }
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }, { EndpointName: 'gantry-test-ranker' }]);
  });

  it('prefers the version the container reports, and stops looking ahead for an endpoint that reports it', async () => {
    sagemakerMock.on(DescribeEndpointCommand).resolves(inService('gantry-test-churn-v3-1a2b3c4d'));
    fake.always({ ...ok('0.5'), customAttributes: 'trace=abc;gantry-model-version=4' });
    const gantry = versioned();

    const first = await gantry.predict({ model: 'churn', features });
    skip(60_001);
    const second = await gantry.predict({ model: 'churn', features });

    for (const result of [first, second]) expect(result).toMatchObject({ variant: 'primary', modelVersion: 4, modelVersionSource: 'container' });
    // The first lookup started beside the first invocation, before the response told the version;
    // once the endpoint reports it, expired cache entries are not refreshed ahead any more.
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }]);
  });

  it('does not warn about a failed lookup whose answer the container made moot', async () => {
    sagemakerMock.on(DescribeEndpointCommand).rejects(Object.assign(new Error('User is not authorized to perform: sagemaker:DescribeEndpoint'), { name: 'AccessDeniedException' }));
    fake.always({ ...ok('0.5'), customAttributes: 'gantry-model-version=4' });

    const result = await versioned().predict({ model: 'churn', features });

    expect(result).toMatchObject({ modelVersion: 4, modelVersionSource: 'container' });
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }]);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    { name: 'a value that is not a number', attributes: 'gantry-model-version=latest' },
    { name: 'version 0', attributes: 'gantry-model-version=0' },
    { name: 'a negative version', attributes: 'gantry-model-version=-2' },
    { name: 'a fraction', attributes: 'gantry-model-version=4.5' },
    { name: 'an empty value', attributes: 'gantry-model-version=' },
    { name: 'a key without a value', attributes: 'gantry-model-version' },
    { name: 'another key', attributes: 'model-version=4,trace=abc' },
  ])('ignores $name in the container\'s attributes and falls back to the endpoint\'s version', async ({ attributes }) => {
    sagemakerMock.on(DescribeEndpointCommand).resolves(inService('gantry-test-churn-v3-1a2b3c4d'));
    fake.always({ ...ok('0.5'), customAttributes: attributes });

    const result = await versioned().predict({ model: 'churn', features });

    expect(result).toMatchObject({ modelVersion: 3, modelVersionSource: 'endpoint' });
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }]);
  });

  it.each([
    {
      name: 'a deployment is shifting traffic (both versions answer)',
      described: { ...inService('gantry-test-churn-v3-1a2b3c4d'), EndpointStatus: 'Updating' as const, PendingDeploymentSummary: { EndpointConfigName: 'gantry-test-churn-v4-5e6f7a8b', StartTime: new Date() } },
    },
    {
      name: 'a pending deployment is reported while InService',
      described: { ...inService('gantry-test-churn-v3-1a2b3c4d'), PendingDeploymentSummary: { EndpointConfigName: 'gantry-test-churn-v4-5e6f7a8b' } },
    },
    { name: 'the endpoint is not InService', described: { ...inService('gantry-test-churn-v3-1a2b3c4d'), EndpointStatus: 'RollingBack' as const } },
    { name: 'its config was not named by Gantry', described: inService('churn-config') },
    { name: 'its config is another endpoint\'s', described: inService('gantry-test-ranker-v3-1a2b3c4d') },
  ])('leaves modelVersion undefined when $name', async ({ described }) => {
    sagemakerMock.on(DescribeEndpointCommand).resolves(described);
    fake.always(ok('0.5'));

    const result = await versioned().predict({ model: 'churn', features });

    expect(result).toMatchObject({ predictions: [[0.5]], variant: 'primary', modelVersion: undefined, modelVersionSource: undefined });
    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }]);
  });

  it('never fails a prediction on a failed lookup: one warning, and a new lookup after the cache period', async () => {
    sagemakerMock
      .on(DescribeEndpointCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized to perform: sagemaker:DescribeEndpoint'), { name: 'AccessDeniedException' }))
      .rejectsOnce(Object.assign(new Error('User is not authorized to perform: sagemaker:DescribeEndpoint'), { name: 'AccessDeniedException' }))
      .resolves(inService('gantry-test-churn-v5-1a2b3c4d'));
    fake.always(ok('0.5'));
    const gantry = versioned({ versionCacheMs: 5_000 });

    for (let i = 0; i < 3; i++) {
      await expect(gantry.predict({ model: 'churn', features })).resolves.toMatchObject({ predictions: [[0.5]], modelVersion: undefined, modelVersionSource: undefined });
    }
    expect(describeInputs()).toHaveLength(1);
    skip(4_000);
    await expect(gantry.predict({ model: 'churn', features })).resolves.toMatchObject({ modelVersion: undefined });
    expect(describeInputs()).toHaveLength(1);
    skip(1_001);
    await expect(gantry.predict({ model: 'churn', features })).resolves.toMatchObject({ modelVersion: undefined });
    skip(5_001);
    await expect(gantry.predict({ model: 'churn', features })).resolves.toMatchObject({ modelVersion: 5, modelVersionSource: 'endpoint' });

    expect(describeInputs()).toEqual([{ EndpointName: CHURN_ENDPOINT }, { EndpointName: CHURN_ENDPOINT }, { EndpointName: CHURN_ENDPOINT }]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/endpoint "gantry-test-churn" serves \(DescribeEndpoint failed: AccessDeniedException: User is not authorized.*Retried every 5000 ms/), { code: 'GANTRY_VERSION_LOOKUP' });
    // Later predicts read the cached version.
    await gantry.predict({ model: 'churn', features });
    expect(describeInputs()).toHaveLength(3);
  });

  it('sends no DescribeEndpoint without a sagemaker client', async () => {
    fake.always(ok('0.5'));
    const result = await client().predict({ model: 'churn', features });

    expect(result).toMatchObject({ modelVersion: undefined, modelVersionSource: undefined });
    expect(sagemakerMock.calls()).toHaveLength(0);
  });
});
