import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3DriftReportStore } from '../../../lambdas/adapters/s3-drift-reports';
import { s3Client, uniqueName } from '../../support/engines';

let s3: S3Client;
let bucket: string;

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('artifacts');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(() => s3?.destroy());

describe('S3DriftReportStore', () => {
  it('stores a report as JSON under reports/<model>/<window>.json and reads it back', async () => {
    const store = new S3DriftReportStore({ s3, bucket });
    await store.put('churn', '2026-11-22T10-00Z', '{"drifted":true}');
    expect(store.uriOf('churn', '2026-11-22T10-00Z')).toBe(`s3://${bucket}/reports/churn/2026-11-22T10-00Z.json`);
    expect(await store.get('churn', '2026-11-22T10-00Z')).toBe('{"drifted":true}');
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'reports/churn/2026-11-22T10-00Z.json' }));
    expect(head.ContentType).toBe('application/json');
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'reports/churn/2026-11-22T10-00Z.json' }));
    expect(await object.Body!.transformToString()).toBe('{"drifted":true}');
  });

  it('reads undefined for a window without a report', async () => {
    expect(await new S3DriftReportStore({ s3, bucket }).get('churn', '2026-11-22T09-45Z')).toBeUndefined();
  });

  it('throws what S3 throws for anything but a missing key', async () => {
    await expect(new S3DriftReportStore({ s3, bucket: uniqueName('absent') }).get('churn', '2026-11-22T09-45Z')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
