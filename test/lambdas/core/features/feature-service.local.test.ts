import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3OfflineFeatureStore } from '../../../../lambdas/adapters/offline-feature-store';
import { DynamoOnlineFeatureStore } from '../../../../lambdas/adapters/online-feature-store';
import { FeatureService } from '../../../../lambdas/core/features/feature-service';
import type { FeatureGroupSpec } from '../../../../lambdas/core/features/types';
import { dynamoClient, s3Client, uniqueName } from '../../../support/engines';
import { createBucketsFromTemplate } from '../../../../tools/local/template-resources';
import { dataStackTemplate, localFeatureTable } from '../../../support/local-data';

// The service over the real adapters, on tables and buckets created from the synthesized data stack.
const activity: FeatureGroupSpec = {
  name: 'customer-activity',
  ttlSeconds: 30 * 86_400,
  features: [
    { name: 'spend', type: 'double' },
    { name: 'tier', type: 'string' },
  ],
};
// Near now, because DynamoDB Local deletes rows whose TTL has passed.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 86_400_000;
const at = (hours: number): string => new Date(T0 + hours * 3_600_000).toISOString();

let dynamo: DynamoDBClient;
let s3: S3Client;
let table: string;
let bucket: string;

beforeAll(async () => {
  dynamo = dynamoClient();
  s3 = s3Client();
  ({ tableName: table } = await localFeatureTable(dynamo));
  const buckets = await createBucketsFromTemplate(s3, dataStackTemplate());
  bucket = Object.entries(buckets).find(([path]) => path.includes('/Lake/Features/'))![1];
});

afterAll(() => {
  dynamo?.destroy();
  s3?.destroy();
});

describe('FeatureService on DynamoDB Local and s3rver', () => {
  it('serves the latest row online and the as-of history for training', async () => {
    const online = new DynamoOnlineFeatureStore({ client: dynamo, tableName: table, groups: [activity] });
    const offline = new S3OfflineFeatureStore({ client: s3, bucket });
    const store = new FeatureService({ online, offline, groups: [activity] });
    const id = uniqueName('e2e');
    const line = (eventTime: string, spend: number): string => JSON.stringify({ entityId: id, group: 'customer-activity', eventTime, values: { spend } });

    const first = await store.putJsonLines([line(at(2), 2), 'not json', '', line(at(2), 2)].join('\n'));
    expect(first).toMatchObject({ written: 1, skippedStale: 1, rejected: [{ row: 2 }] });
    // The two copies race; whichever lands second is the skipped one.
    expect([[1], [4]]).toContainEqual(first.staleRows);
    // A late row: stale online, but history for training.
    const late = await store.put([JSON.parse(line(at(1), 1))]);
    expect(late).toMatchObject({ written: 0, skippedStale: 1, staleRows: [1] });

    const served = await online.getMany('customer-activity', [id, 'nobody']);
    expect(served.rows.get(id)?.values).toEqual({ spend: 2 });
    expect(served.missing).toEqual(['nobody']);

    const training = await store.trainingSet(
      [
        { entityId: id, labelTime: at(1.5) },
        { entityId: id, labelTime: at(3) },
        { entityId: id, labelTime: at(0) },
      ],
      ['customer-activity'],
    );
    expect(training.rows.map((r) => r.spend)).toEqual([1, 2, null]);
    expect(training.missing).toEqual([{ labelIndex: 2, group: 'customer-activity' }]);
  });

  it('writes nothing online when the offline append fails', async () => {
    const online = new DynamoOnlineFeatureStore({ client: dynamo, tableName: table, groups: [activity] });
    const offline = new S3OfflineFeatureStore({ client: s3, bucket: uniqueName('no-such-bucket') });
    const store = new FeatureService({ online, offline, groups: [activity] });
    const id = uniqueName('offline-first');
    await expect(store.put([{ entityId: id, group: 'customer-activity', eventTime: at(1), values: { spend: 1 } }])).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    expect((await online.getMany('customer-activity', [id], { consistentRead: true })).missing).toEqual([id]);
  });
});
