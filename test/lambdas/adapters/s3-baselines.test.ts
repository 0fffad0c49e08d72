import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BaselineSource } from '../../../lambdas/adapters/s3-baselines';
import { s3Client, uniqueName } from '../../support/engines';
import { BASELINE } from '../drift/fixtures';

let s3: S3Client;
let bucket: string;

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('baselines');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'churn/v1.json', Body: JSON.stringify(BASELINE) }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'churn/v2.json', Body: JSON.stringify({ ...BASELINE, formatVersion: 2 }) }));
});

afterAll(() => s3?.destroy());

describe('S3BaselineSource', () => {
  it('reads and checks the baseline at an s3:// URI', async () => {
    expect(await new S3BaselineSource(s3).read(`s3://${bucket}/churn/v1.json`)).toEqual(BASELINE);
  });

  it.each([
    ['a missing object', () => `s3://${bucket}/churn/none.json`, 'no such object'],
    ['a missing bucket', () => `s3://${uniqueName('absent')}/churn/v1.json`, 'no such object'],
    ['not an S3 URI', () => 'https://example.com/churn/v1.json', 'is not an s3://bucket/key URI'],
    ['another format version', () => `s3://${bucket}/churn/v2.json`, 'formatVersion is 2, this monitor reads 1'],
  ])('throws InvalidBaselineError naming the URI for %s', async (_, uriOf, reason) => {
    const uri = uriOf();
    await expect(new S3BaselineSource(s3).read(uri)).rejects.toMatchObject({ name: 'InvalidBaselineError', uri, message: `baseline ${uri}: ${reason}` });
  });
});
