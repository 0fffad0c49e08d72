import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3CaptureSource } from '../../../lambdas/adapters/s3-capture';
import type { CaptureFile } from '../../../lambdas/core/drift/compare';
import { s3Client, uniqueName } from '../../support/engines';

let s3: S3Client;
let bucket: string;
const HOUR = 'gantry-test-churn/primary/2026/11/22/10/';

async function linesOf(files: readonly CaptureFile[]): Promise<string[][]> {
  const all: string[][] = [];
  for (const file of files) {
    const lines: string[] = [];
    for await (const line of file.lines()) lines.push(line);
    all.push(lines);
  }
  return all;
}

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('capture');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  await put(`${HOUR}20-00-000-b.jsonl`, 'b1\r\nb2\n');
  await put(`${HOUR}05-00-000-a.jsonl`, 'a1\n');
  await put(`${HOUR}notes.txt`, 'not capture\n');
  await put(`${HOUR}empty.jsonl`, '');
  await put('gantry-test-churn/primary/2026/11/22/11/00-00-000-c.jsonl', 'c1\n');
});

afterAll(() => s3?.destroy());

describe('S3CaptureSource', () => {
  it('lists the non-empty .jsonl objects under the prefix, in key order, across listing pages', async () => {
    const files = await new S3CaptureSource({ s3, bucket, pageSize: 1 }).list(HOUR);
    expect(await linesOf(files)).toEqual([['a1'], ['b1', 'b2']]);
  });

  it('lists nothing under a prefix without capture', async () => {
    expect(await new S3CaptureSource({ s3, bucket }).list('gantry-test-churn/primary/2026/11/22/09/')).toEqual([]);
  });

  it('fails a read with DataChangedError when the object was replaced after the listing', async () => {
    const key = 'gantry-test-churn/primary/2026/11/22/12/00-00-000-d.jsonl';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'd1\n' }));
    const [file] = await new S3CaptureSource({ s3, bucket }).list('gantry-test-churn/primary/2026/11/22/12/');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'd2\n' }));
    await expect(linesOf([file!])).rejects.toMatchObject({ name: 'DataChangedError' });
  });
});
