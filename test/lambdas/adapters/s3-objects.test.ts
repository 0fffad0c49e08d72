import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptDataError, DataChangedError, DataNotFoundError, InvalidS3UriError, listDataObjects, objectLines, parseS3Uri, type S3ObjectRef } from '../../../lambdas/adapters/s3-objects';
import { s3Client, uniqueName } from '../../support/engines';

let s3: S3Client;
let bucket: string;

async function put(key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function lines(ref: S3ObjectRef): Promise<string[]> {
  const out: string[] = [];
  for await (const line of objectLines(s3, ref)) out.push(line);
  return out;
}

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('lines');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await put('train/part-2.csv', 'a\n2\n');
  await put('train/part-1.csv', 'a\n1\n');
  await put('train/_SUCCESS', '');
  await put('train/.part-1.csv.crc', 'crc');
  await put('train/empty.csv', '');
  await put('train/sub/part-3.jsonl', '{"a":3}\n');
  await put('train-old.csv', 'a\n0\n');
  await put('single.csv', 'a\n9\n');
});

afterAll(() => s3?.destroy());

describe('parseS3Uri', () => {
  it.each([
    ['s3://bucket/a/b.csv', { bucket: 'bucket', key: 'a/b.csv' }],
    ['s3://bucket/prefix/', { bucket: 'bucket', key: 'prefix/' }],
    ['s3://bucket', { bucket: 'bucket', key: '' }],
  ])('%s', (uri, location) => {
    expect(parseS3Uri(uri)).toEqual(location);
  });

  it.each(['https://bucket/a', 's3://B/a', 'bucket/a'])('throws InvalidS3UriError for %s', (uri) => {
    expect(() => parseS3Uri(uri)).toThrow(new InvalidS3UriError(uri));
  });
});

describe('listDataObjects', () => {
  it('lists the object itself when the URI names one', async () => {
    expect(await listDataObjects(s3, `s3://${bucket}/single.csv`)).toEqual([{ bucket, key: 'single.csv', size: 4, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) }]);
  });

  it.each(['train', 'train/'])('lists every data object under %s in key order, across pages, without markers or empty objects', async (key) => {
    const refs = await listDataObjects(s3, `s3://${bucket}/${key}`, { pageSize: 2 });
    // "train" is a folder, not a key prefix: train-old.csv is not part of it.
    expect(refs.map((ref) => ref.key)).toEqual(['train/part-1.csv', 'train/part-2.csv', 'train/sub/part-3.jsonl']);
  });

  it('throws DataNotFoundError naming the URI when nothing is there, or the bucket does not exist', async () => {
    await expect(listDataObjects(s3, `s3://${bucket}/nothing`)).rejects.toThrow(new DataNotFoundError(`s3://${bucket}/nothing`));
    const missing = `s3://${uniqueName('missing')}/train/`;
    await expect(listDataObjects(s3, missing)).rejects.toMatchObject({ name: 'DataNotFoundError', uri: missing });
  });
});

describe('objectLines', () => {
  it('splits LF and CRLF lines and drops a byte-order mark', async () => {
    await put('text/crlf.csv', '\uFEFFa,b\r\n1,2\r\n\r\n3,4');
    const [ref] = await listDataObjects(s3, `s3://${bucket}/text/crlf.csv`);
    expect(await lines(ref!)).toEqual(['a,b', '1,2', '', '3,4']);
  });

  it('gunzips a .gz object on the way', async () => {
    await put('text/train.csv.gz', gzipSync('a\n1\n2\n'));
    const [ref] = await listDataObjects(s3, `s3://${bucket}/text/train.csv.gz`);
    expect(await lines(ref!)).toEqual(['a', '1', '2']);
  });

  it('throws CorruptDataError naming the object for a .gz object that is not gzip, or is cut short', async () => {
    const gz = gzipSync(Array.from({ length: 5000 }, (_, i) => `row-${i}`).join('\n'));
    await put('text/cut.csv.gz', gz.subarray(0, gz.length - 20));
    await put('text/plain.csv.gz', 'a,b\n1,2\n');
    for (const key of ['text/cut.csv.gz', 'text/plain.csv.gz']) {
      const [ref] = await listDataObjects(s3, `s3://${bucket}/${key}`);
      await expect(lines(ref!)).rejects.toBeInstanceOf(CorruptDataError);
      await expect(lines(ref!)).rejects.toMatchObject({ name: 'CorruptDataError', uri: `s3://${bucket}/${key}`, message: expect.stringContaining('is not valid gzip: ') });
    }
  });

  it('streams a large object line by line', async () => {
    const rows = 200_000;
    await put('text/large.csv', `x\n${Array.from({ length: rows }, (_, i) => String(i)).join('\n')}\n`);
    const [ref] = await listDataObjects(s3, `s3://${bucket}/text/large.csv`);
    let count = 0;
    let last = '';
    for await (const line of objectLines(s3, ref!)) {
      count += 1;
      last = line;
    }
    expect([count, last]).toEqual([rows + 1, String(rows - 1)]);
  });

  it('throws DataChangedError when the object is no longer the listed version', async () => {
    await put('text/moving.csv', 'a\n1\n');
    const [ref] = await listDataObjects(s3, `s3://${bucket}/text/moving.csv`);
    await put('text/moving.csv', 'a\n1\n2\n');
    await expect(lines(ref!)).rejects.toThrow(new DataChangedError(`s3://${bucket}/text/moving.csv`));
  });
});
