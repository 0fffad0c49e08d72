import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  ScanCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  DynamoOnlineFeatureStore,
  isRetryable,
  OnlineReadError,
  OnlineWriteError,
  type RetryPolicy,
} from '../../../lambdas/adapters/online-feature-store';
import type { FeatureGroupSpec, FeatureRow } from '../../../lambdas/core/features/types';
import { LOCAL_CREDENTIALS, LOCAL_REGION, uniqueName } from '../../support/engines';
import { localFeatureTable } from '../../support/local-data';

const activity: FeatureGroupSpec = {
  name: 'customer-activity',
  ttlSeconds: 30 * 86_400,
  features: [
    { name: 'spend', type: 'double' },
    { name: 'tier', type: 'string' },
  ],
};
const clicks: FeatureGroupSpec = { name: 'clicks', ttlSeconds: 3_600, features: [{ name: 'n', type: 'bigint' }] };
const groups = [activity, clicks];

/** SDK retries off, so only the store's own retry loop can save a failed request. */
function client(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

/** Backoff that records its delays instead of waiting. */
function recordedRetry(delays: number[] = []): Partial<RetryPolicy> {
  return { random: () => 0.5, sleep: async (ms) => void delays.push(ms) };
}

function row(entityId: string, eventTime: string, values: FeatureRow['values'], group = 'customer-activity'): FeatureRow {
  return { entityId, group, eventTime, values };
}

// Event times near now: DynamoDB Local really runs TTL deletion, so a row stamped months ago
// would vanish mid-test.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const at = (minutes: number, ms = 0): string => new Date(T0 + minutes * 60_000 + ms).toISOString();

let dynamo: DynamoDBClient;
let table: string;

beforeAll(async () => {
  dynamo = client();
  ({ tableName: table } = await localFeatureTable(dynamo));
});

afterAll(() => dynamo?.destroy());

async function getItem(entityId: string, group = 'customer-activity'): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { entityId: { S: entityId }, featureGroup: { S: group } }, ConsistentRead: true }),
  );
  return Item;
}

describe('DynamoOnlineFeatureStore.put', () => {
  const store = (): DynamoOnlineFeatureStore => new DynamoOnlineFeatureStore({ client: dynamo, tableName: table, groups, retry: recordedRetry() });

  it('never lets an older row overwrite a newer one', async () => {
    const id = uniqueName('stale');
    expect(await store().put([row(id, at(2), { spend: 2 })])).toMatchObject({ written: 1, skippedStale: 0 });
    const older = await store().put([row(id, at(1), { spend: 1 })]);
    expect(older).toEqual({ written: 0, skippedStale: 1, staleRows: [1], retries: 0 });
    const item = await getItem(id);
    expect(item?.eventTime).toEqual({ S: at(2) });
    expect(item?.values).toEqual({ M: { spend: { N: '2' } } });
  });

  it('skips a re-delivery of the same row, leaving the item unchanged', async () => {
    const id = uniqueName('redelivery');
    const first = row(id, at(1), { spend: 1, tier: 'pro' });
    await store().put([first], new Date(T0 + 61_000));
    const before = await getItem(id);
    const again = await store().put([{ ...first, values: { tier: 'pro', spend: 1 } }], new Date(T0 + 300_000));
    expect(again).toMatchObject({ written: 0, skippedStale: 1, staleRows: [1] });
    expect(await getItem(id)).toEqual(before);
    expect(before?.writtenAt).toEqual({ S: new Date(T0 + 61_000).toISOString() });
  });

  it('writes a correction: same event time, different values', async () => {
    const id = uniqueName('correction');
    await store().put([row(id, at(1), { spend: 1 })]);
    expect(await store().put([row(id, at(1), { spend: 1.5 })])).toMatchObject({ written: 1, skippedStale: 0 });
    expect((await getItem(id))?.values).toEqual({ M: { spend: { N: '1.5' } } });
  });

  it('stores the full item, with expiresAt computed from each group TTL', async () => {
    const id = uniqueName('ttl');
    const eventTime = at(5, 750);
    await store().put([row(id, eventTime, { spend: 9.25, tier: 'pro' }), row(id, eventTime, { n: 3 }, 'clicks')], new Date(T0 + 305_000));
    const eventSeconds = Math.floor(Date.parse(eventTime) / 1000);
    const item = await getItem(id);
    expect(item).toEqual({
      entityId: { S: id },
      featureGroup: { S: 'customer-activity' },
      eventTime: { S: eventTime },
      eventTimeMs: { N: String(Date.parse(eventTime)) },
      writtenAt: { S: new Date(T0 + 305_000).toISOString() },
      expiresAt: { N: String(eventSeconds + 30 * 86_400) },
      rowHash: { S: expect.any(String) },
      values: { M: { spend: { N: '9.25' }, tier: { S: 'pro' } } },
    });
    expect((await getItem(id, 'clicks'))?.expiresAt).toEqual({ N: String(eventSeconds + 3_600) });
  });

  it('keeps the newest row under concurrent writers delivering in any order', async () => {
    const id = uniqueName('race');
    const rows = Array.from({ length: 40 }, (_, i) => row(id, at(i), { spend: i }));
    const shuffled = [...rows].sort(() => Math.random() - 0.5);
    await Promise.all([0, 1, 2, 3].map((w) => store().put(shuffled.filter((_, i) => i % 4 === w))));
    expect((await getItem(id))?.values).toEqual({ M: { spend: { N: '39' } } });
  });

  it('throws before writing anything when a row has a group without a spec', async () => {
    const id = uniqueName('nospec');
    await expect(store().put([row(id, at(1), { spend: 1 }), row(id, at(1), {}, 'other')])).rejects.toThrow(
      'no feature group spec (TTL) for "other"',
    );
    expect(await getItem(id)).toBeUndefined();
  });

  it('loses nothing of a 10,000-row put when every 7th request is throttled', async () => {
    const throttled = client();
    const { tableName: bigTable } = await localFeatureTable(throttled);
    let requests = 0;
    let thrown = 0;
    const failedOnce = new Set<string>();
    throttled.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') {
          requests += 1;
          const id = (args.input as PutItemCommandInput).Item?.entityId?.S ?? '';
          if (requests % 7 === 0 && !failedOnce.has(id)) {
            failedOnce.add(id);
            thrown += 1;
            throw new ProvisionedThroughputExceededException({ message: 'forced by the test', $metadata: { httpStatusCode: 400 } });
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'forceThrottling' },
    );
    const store = new DynamoOnlineFeatureStore({
      client: throttled,
      tableName: bigTable,
      groups,
      retry: { baseDelayMs: 1, maxDelayMs: 10 },
    });
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`c-${i}`, at(1), { spend: i }));

    const result = await store.put(rows);

    expect(result).toMatchObject({ written: 10_000, skippedStale: 0, staleRows: [] });
    expect(thrown).toBeGreaterThan(1_000);
    expect(result.retries).toBe(thrown);
    let count = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await throttled.send(new ScanCommand({ TableName: bigTable, Select: 'COUNT', ExclusiveStartKey: startKey }));
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    expect(count).toBe(10_000);
    throttled.destroy();
  });

  it('throws OnlineWriteError naming the rows when retries run out, after backing off exponentially', async () => {
    const failing = client();
    const doomed = uniqueName('doomed');
    failing.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as PutItemCommandInput).Item?.entityId?.S === doomed) {
          throw new ProvisionedThroughputExceededException({ message: 'always', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'alwaysThrottle' },
    );
    const delays: number[] = [];
    const store = new DynamoOnlineFeatureStore({
      client: failing,
      tableName: table,
      groups,
      concurrency: 1,
      retry: { ...recordedRetry(delays), maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500 },
    });
    const ok = uniqueName('ok');
    const error = await store.put([row(ok, at(1), { spend: 1 }), row(doomed, at(1), { spend: 2 })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnlineWriteError);
    const writeError = error as OnlineWriteError;
    expect(writeError.name).toBe('OnlineWriteError');
    expect(writeError.notWritten).toEqual([2]);
    expect(writeError.partial).toMatchObject({ written: 1, skippedStale: 0 });
    expect(writeError.message).toContain('1 of 2 rows were not written');
    expect((writeError.cause as Error).name).toBe('ProvisionedThroughputExceededException');
    // Full jitter at random() = 0.5: half of min(500, 100 * 2^(n-1)).
    expect(delays).toEqual([50, 100, 200, 250]);
    expect(await getItem(doomed)).toBeUndefined();
    failing.destroy();
  });

  it('retries a network error once and writes the row', async () => {
    const flaky = client();
    let failures = 0;
    flaky.middlewareStack.add(
      (next) => async (args) => {
        if (failures === 0) {
          failures += 1;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'resetOnce' },
    );
    const id = uniqueName('network');
    const result = await new DynamoOnlineFeatureStore({ client: flaky, tableName: table, groups, retry: recordedRetry() }).put([
      row(id, at(1), { spend: 1 }),
    ]);
    expect(result).toMatchObject({ written: 1, retries: 1 });
    flaky.destroy();
  });

  it('counts a retried write whose first response was lost as written, not stale', async () => {
    const lossy = client();
    let lost = 0;
    lossy.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        if (lost === 0) {
          lost += 1;
          // The write landed; only the response went missing.
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'initialize', name: 'loseFirstResponse' },
    );
    const id = uniqueName('lost-response');
    const result = await new DynamoOnlineFeatureStore({ client: lossy, tableName: table, groups, retry: recordedRetry() }).put([
      row(id, at(1), { spend: 1 }),
    ]);
    expect(result).toEqual({ written: 1, skippedStale: 0, staleRows: [], retries: 1 });
    lossy.destroy();
  });

  it('does not retry a non-retryable error', async () => {
    const broken = client();
    let calls = 0;
    broken.middlewareStack.add(
      () => async () => {
        calls += 1;
        throw Object.assign(new Error('bad request'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      },
      { step: 'initialize', name: 'reject' },
    );
    const store = new DynamoOnlineFeatureStore({ client: broken, tableName: table, groups, retry: recordedRetry() });
    await expect(store.put([row('x', at(1), {})])).rejects.toMatchObject({ name: 'OnlineWriteError', notWritten: [1] });
    expect(calls).toBe(1);
    broken.destroy();
  });
});

describe('isRetryable', () => {
  it.each([
    ['ProvisionedThroughputExceededException', { name: 'ProvisionedThroughputExceededException' }, true],
    ['ThrottlingException', { name: 'ThrottlingException' }, true],
    ['RequestLimitExceeded', { name: 'RequestLimitExceeded' }, true],
    ['InternalServerError', { name: 'InternalServerError' }, true],
    ['a 503', { name: 'Whatever', $metadata: { httpStatusCode: 503 } }, true],
    ['an SDK $retryable error', { name: 'Whatever', $retryable: {} }, true],
    ['ETIMEDOUT', { name: 'Error', code: 'ETIMEDOUT' }, true],
    ['ConditionalCheckFailedException', { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }, false],
    ['ValidationException', { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, false],
    ['ResourceNotFoundException', { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }, false],
    ['a string', 'boom', false],
  ])('%s → %s', (_, err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});

describe('DynamoOnlineFeatureStore.getMany', () => {
  let prefix: string;
  const seeded = 200;

  beforeAll(async () => {
    prefix = uniqueName('get');
    const store = new DynamoOnlineFeatureStore({ client: dynamo, tableName: table, groups });
    await store.put(Array.from({ length: seeded }, (_, i) => row(`${prefix}-${i}`, at(1), { spend: i, tier: i % 2 ? 'pro' : 'free' })));
  });

  function counting(mutate?: (output: BatchGetItemCommandOutput, call: number) => void): { client: DynamoDBClient; calls: () => number } {
    const counted = client();
    let calls = 0;
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand') {
          calls += 1;
          mutate?.(result.output as BatchGetItemCommandOutput, calls);
        }
        return result;
      },
      { step: 'initialize', name: 'countBatchGets' },
    );
    return { client: counted, calls: () => calls };
  }

  it('reads 250 ids in 3 BatchGetItem calls of at most 100 keys, naming the missing ids in input order', async () => {
    const { client: counted, calls } = counting();
    const ids = Array.from({ length: 250 }, (_, i) => `${prefix}-${249 - i}`);
    const result = await new DynamoOnlineFeatureStore({ client: counted, tableName: table }).getMany('customer-activity', [...ids, ids[0]!, ids[100]!]);
    expect(calls()).toBe(3);
    expect(result.rows.size).toBe(seeded);
    expect(result.rows.get(`${prefix}-7`)).toEqual({
      entityId: `${prefix}-7`,
      group: 'customer-activity',
      eventTime: at(1),
      writtenAt: expect.any(String),
      values: { spend: 7, tier: 'pro' },
    });
    expect(result.missing).toEqual(Array.from({ length: 50 }, (_, i) => `${prefix}-${249 - i}`));
    counted.destroy();
  });

  it('retries UnprocessedKeys until every key is read', async () => {
    const { client: counted, calls } = counting((output, call) => {
      if (call !== 1) return;
      const [name, items] = Object.entries(output.Responses ?? {})[0]!;
      const kept = items.slice(0, 10);
      const deferred = items.slice(10);
      output.Responses = { [name]: kept };
      output.UnprocessedKeys = { [name]: { Keys: deferred.map((item) => ({ entityId: item.entityId!, featureGroup: item.featureGroup! })) } };
    });
    const delays: number[] = [];
    const ids = Array.from({ length: 60 }, (_, i) => `${prefix}-${i}`);
    const result = await new DynamoOnlineFeatureStore({ client: counted, tableName: table, retry: recordedRetry(delays) }).getMany('customer-activity', ids, {
      consistentRead: true,
    });
    expect(calls()).toBe(2);
    expect(delays).toHaveLength(1);
    expect([...result.rows.keys()]).toEqual(ids);
    expect(result.missing).toEqual([]);
    counted.destroy();
  });

  it('throws OnlineReadError naming the ids when keys stay unprocessed', async () => {
    const { client: counted, calls } = counting((output) => {
      const [name, items] = Object.entries(output.Responses ?? {})[0]!;
      output.Responses = { [name]: [] };
      output.UnprocessedKeys = { [name]: { Keys: items.map((item) => ({ entityId: item.entityId!, featureGroup: item.featureGroup! })) } };
    });
    const ids = [`${prefix}-1`, `${prefix}-2`];
    const error = await new DynamoOnlineFeatureStore({ client: counted, tableName: table, retry: { ...recordedRetry(), maxAttempts: 3 } })
      .getMany('customer-activity', ids)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnlineReadError);
    expect((error as OnlineReadError).unreadEntityIds.slice().sort()).toEqual(ids);
    expect(calls()).toBe(3);
    counted.destroy();
  });

  it('treats expired rows as missing (TTL deletion lags) and empty ids as missing without a request', async () => {
    const { client: counted, calls } = counting();
    const later = (): Date => new Date(T0 + 31 * 86_400_000);
    const result = await new DynamoOnlineFeatureStore({ client: counted, tableName: table, clock: later }).getMany('customer-activity', [`${prefix}-1`, '']);
    expect(result.rows.size).toBe(0);
    expect(result.missing).toEqual([`${prefix}-1`, '']);
    expect(calls()).toBe(1);
    counted.destroy();
  });

  it('makes no request for no ids', async () => {
    const { client: counted, calls } = counting();
    expect(await new DynamoOnlineFeatureStore({ client: counted, tableName: table }).getMany('customer-activity', [])).toEqual({ rows: new Map(), missing: [] });
    expect(calls()).toBe(0);
    counted.destroy();
  });
});
