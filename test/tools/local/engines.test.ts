import { CreateBucketCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client, uniqueName } from '../../support/engines';

// The 50 MB streaming round trip runs on the data stack's own buckets: test/stacks/data-stack.local.test.ts.
describe('s3rver', () => {
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    s3 = s3Client();
    bucket = uniqueName('streaming');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(() => {
    s3?.destroy();
  });

  it('pages through ListObjectsV2 with continuation tokens', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'].map((name) => `paging/${name}.json`);
    await Promise.all(keys.map((key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `{"key":"${key}"}` }))));

    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: bucket, Prefix: 'paging/' })) {
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
    }
    expect(pages).toEqual([keys.slice(0, 2), keys.slice(2, 4), keys.slice(4)]);
  });
});
