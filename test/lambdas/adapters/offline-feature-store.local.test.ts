import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineReadError, S3OfflineFeatureStore } from '../../../lambdas/adapters/offline-feature-store';
import type { FeatureRow } from '../../../lambdas/core/features/types';
import { s3Client } from '../../support/engines';
import { createBucketsFromTemplate } from '../../../tools/local/template-resources';
import { dataStackTemplate } from '../../support/local-data';

const row = (entityId: string, group: string, eventTime: string, values: FeatureRow['values']): FeatureRow => ({ entityId, group, eventTime, values });

let s3: S3Client;
let bucket: string;

beforeAll(async () => {
  s3 = s3Client();
  const buckets = await createBucketsFromTemplate(s3, dataStackTemplate());
  // Each test file gets fresh buckets, so listings here only see this file's objects.
  bucket = Object.entries(buckets).find(([path]) => path.includes('/Lake/Features/'))![1];
});

afterAll(() => s3?.destroy());

async function keys(prefix: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

describe('S3OfflineFeatureStore', () => {
  it('writes one JSON Lines object per group and event date, with flattened values and write_time', async () => {
    const store = new S3OfflineFeatureStore({ client: s3, bucket });
    const writeTime = new Date('2024-06-03T08:00:00.000Z');
    const uris = await store.append(
      [
        row('c-1', 'customer-activity', '2024-06-01T10:00:00.000Z', { spend: 1.5, tier: 'pro' }),
        row('c-2', 'customer-activity', '2024-06-01T23:59:59.999Z', { spend: 2 }),
        row('c-1', 'customer-activity', '2024-06-02T00:00:00.000Z', { spend: 3, active: true }),
        row('c-1', 'clicks', '2024-06-01T10:00:00.000Z', { n: 7 }),
      ],
      writeTime,
    );
    expect(uris).toHaveLength(3);
    for (const uri of uris) expect(uri).toMatch(new RegExp(`^s3://${bucket}/offline/[a-z_]+/event_date=\\d{4}-\\d{2}-\\d{2}/1717401600000-[0-9a-f]{12}\\.jsonl$`));

    const written = await keys('offline/');
    expect(written.map((key) => key.replace(/[^/]+$/, ''))).toEqual([
      'offline/clicks/event_date=2024-06-01/',
      'offline/customer_activity/event_date=2024-06-01/',
      'offline/customer_activity/event_date=2024-06-02/',
    ]);
    const day1 = written.find((key) => key.startsWith('offline/customer_activity/event_date=2024-06-01/'))!;
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: day1 }))).Body!.transformToString();
    expect(body.split('\n')).toEqual([
      '{"entity_id":"c-1","event_time":"2024-06-01T10:00:00.000Z","write_time":"2024-06-03T08:00:00.000Z","spend":1.5,"tier":"pro"}',
      '{"entity_id":"c-2","event_time":"2024-06-01T23:59:59.999Z","write_time":"2024-06-03T08:00:00.000Z","spend":2}',
      '',
    ]);
  });

  it('reads a group back, keeps appends as history, and prunes by upTo', async () => {
    const store = new S3OfflineFeatureStore({ client: s3, bucket });
    await store.append([row('a', 'history', '2024-05-01T00:00:00.000Z', { x: 1 }), row('a', 'history', '2024-05-03T00:00:00.000Z', { x: 3 })], new Date('2024-05-04T00:00:00Z'));
    // A late correction of May 1st, appended later: both versions stay in the history.
    await store.append([row('a', 'history', '2024-05-01T00:00:00.000Z', { x: 10 })], new Date('2024-05-05T00:00:00Z'));

    const all = await store.read('history');
    expect(all.map((r) => [r.eventTime, r.writeTime, r.values.x]).sort()).toEqual([
      ['2024-05-01T00:00:00.000Z', '2024-05-04T00:00:00.000Z', 1],
      ['2024-05-01T00:00:00.000Z', '2024-05-05T00:00:00.000Z', 10],
      ['2024-05-03T00:00:00.000Z', '2024-05-04T00:00:00.000Z', 3],
    ]);
    expect(all[0]).toMatchObject({ entityId: 'a' });

    const upTo = await store.read('history', { upTo: new Date('2024-05-02T12:00:00Z') });
    expect(upTo.map((r) => r.values.x).sort()).toEqual([1, 10]);
    expect(await store.read('nothing-here')).toEqual([]);
  });

  it('pages through listings of many objects', async () => {
    const store = new S3OfflineFeatureStore({ client: s3, bucket, pageSize: 3 });
    const rows = Array.from({ length: 10 }, (_, day) => row(`e-${day}`, 'paged', new Date(Date.UTC(2024, 3, day + 1, 12)).toISOString(), { d: day }));
    const uris = await store.append(rows, new Date('2024-05-01T00:00:00Z'));
    expect(uris).toHaveLength(10);
    const back = await store.read('paged');
    expect(back.map((r) => r.values.d).sort((a, b) => Number(a) - Number(b))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('streams a large object line by line', async () => {
    const store = new S3OfflineFeatureStore({ client: s3, bucket });
    const rows = Array.from({ length: 50_000 }, (_, i) => row(`e-${i}`, 'large', '2024-04-01T00:00:00.000Z', { i, pad: 'x'.repeat(100) }));
    await store.append(rows, new Date('2024-04-02T00:00:00Z'));
    let count = 0;
    let sum = 0;
    for await (const r of store.stream('large')) {
      count += 1;
      sum += Number(r.values.i);
    }
    expect(count).toBe(50_000);
    expect(sum).toBe((49_999 * 50_000) / 2);
  });

  it('throws OfflineReadError naming the object and line of a corrupt line', async () => {
    const key = 'offline/corrupt/event_date=2024-01-01/1-abc.jsonl';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"entity_id":"a","event_time":"2024-01-01T00:00:00.000Z","write_time":"2024-01-01T00:00:00.000Z"}\n{oops\n' }));
    const error = await new S3OfflineFeatureStore({ client: s3, bucket }).read('corrupt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OfflineReadError);
    expect((error as Error).message).toBe(`s3://${bucket}/${key} line 2 is not JSON`);
  });
});
