import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler, makeHandler } from '../../../lambdas/validate-data/handler';
import { PIPELINE_ERRORS } from '../../../lib/contract';
import { s3Client, uniqueName } from '../../support/engines';

const md5 = (body: string) => createHash('md5').update(body).digest('hex');

let s3: S3Client;

beforeAll(() => {
  s3 = s3Client();
});

afterAll(() => s3?.destroy());

/** A fresh bucket holding `objects` (key → body). */
async function bucketWith(objects: Record<string, string>): Promise<string> {
  const bucket = uniqueName('validate-data');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await Promise.all(Object.entries(objects).map(([Key, body]) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Buffer.from(body) }))));
  return bucket;
}

describe('validate-data handler', () => {
  it('returns the hyperparameters as the strings SageMaker takes, numbers and booleans included', async () => {
    const bucket = await bucketWith({ 'churn/data.csv': 'a\n1\n' });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}/churn/`, hyperparameters: { epochs: 30, 'learning-rate': 0.001, shuffle: true, optimizer: 'adam' } });
    expect(result.hyperparameters).toEqual({ epochs: '30', 'learning-rate': '0.001', shuffle: 'true', optimizer: 'adam' });
  });

  it('refuses a hyperparameter that is not a scalar, naming it, before reading any data', async () => {
    const run = makeHandler({ s3 })({ model: 'churn', dataUri: 's3://no-such-bucket-at-all/churn/', hyperparameters: { layers: [64, 32], epochs: null } });
    await expect(run).rejects.toMatchObject({
      name: PIPELINE_ERRORS.invalidHyperparameters,
      message: 'invalid hyperparameters: layers: must be a string, a number or a boolean, got an array; epochs: must be a string, a number or a boolean, got null',
    });
  });

  it('accepts one object of the exact key and pins it by ETag', async () => {
    const bucket = await bucketWith({ 'churn/2026-11-01.csv': 'a,b\n1,2\n', 'churn/2026-11-01.csv.bak': 'old' });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}/churn/2026-11-01.csv` });
    // Only the object itself, not the other keys it prefixes.
    expect(result).toEqual({
      dataUri: `s3://${bucket}/churn/2026-11-01.csv`,
      objects: 1,
      bytes: 8,
      dataInputs: [{ uri: `s3://${bucket}/churn/2026-11-01.csv`, etag: md5('a,b\n1,2\n') }],
      truncated: false,
      hyperparameters: {},
    });
  });

  it('sums a prefix, ignoring folder markers and zero-byte objects', async () => {
    const bucket = await bucketWith({
      'curated/churn/': '',
      'curated/churn/part-0.csv': 'a\n1\n',
      'curated/churn/empty.csv': '',
      'curated/churn/day=2/': '',
      'curated/churn/day=2/part-1.csv': 'a\n22\n',
      'curated/other/part-0.csv': 'not ours',
    });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}/curated/churn/` });
    expect(result).toEqual({
      dataUri: `s3://${bucket}/curated/churn/`,
      objects: 2,
      bytes: 9,
      dataInputs: [
        { uri: `s3://${bucket}/curated/churn/day=2/part-1.csv`, etag: md5('a\n22\n') },
        { uri: `s3://${bucket}/curated/churn/part-0.csv`, etag: md5('a\n1\n') },
      ],
      truncated: false,
      hyperparameters: {},
    });
  });

  it('reads a URI without a trailing slash as a prefix when no object has that key', async () => {
    const bucket = await bucketWith({ 'churn/a.csv': 'x', 'churn/b.csv': 'yy' });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}/churn` });
    expect(result).toMatchObject({ objects: 2, bytes: 3, truncated: false });
    expect(result.dataInputs.map((input) => input.uri)).toEqual([`s3://${bucket}/churn/a.csv`, `s3://${bucket}/churn/b.csv`]);
  });

  it('reads a whole bucket', async () => {
    const bucket = await bucketWith({ 'a.csv': 'x', 'b/c.csv': 'y' });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}` });
    expect(result).toMatchObject({ dataUri: `s3://${bucket}/`, objects: 2, bytes: 2 });
  });

  it('reads `churn` as the folder churn/, never as every key starting with churn, and returns that normalized URI', async () => {
    const bucket = await bucketWith({ 'churn/a.csv': 'x', 'churn-archive/old.csv': 'old', 'churn/_SUCCESS': 'done', 'churn/.a.csv.crc': 'crc' });
    const result = await makeHandler({ s3 })({ model: 'churn', dataUri: `s3://${bucket}/churn` });
    expect(result).toMatchObject({ dataUri: `s3://${bucket}/churn/`, objects: 1, bytes: 1 });
    expect(result.dataInputs.map((input) => input.uri)).toEqual([`s3://${bucket}/churn/a.csv`]);
  });

  it('pages through the listing and pins the first 100 objects in key order, saying it truncated', async () => {
    const objects = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`data/part-${String(i).padStart(4, '0')}.csv`, `row ${i}\n`]));
    const bucket = await bucketWith({ ...objects, 'data/': '' });
    const result = await makeHandler({ s3, options: { pageSize: 25 } })({ model: 'churn', dataUri: `s3://${bucket}/data/` });
    expect(result.objects).toBe(130);
    expect(result.bytes).toBe(Object.values(objects).reduce((sum, body) => sum + body.length, 0));
    expect(result.truncated).toBe(true);
    expect(result.dataInputs).toHaveLength(100);
    expect(result.dataInputs[0]).toEqual({ uri: `s3://${bucket}/data/part-0000.csv`, etag: md5('row 0\n') });
    expect(result.dataInputs[99]!.uri).toBe(`s3://${bucket}/data/part-0099.csv`);
  });

  it('pins the version id that HeadObject returns on a versioned bucket, and not the "null" version', async () => {
    // s3rver has no versioning, so the versioned bucket's header is added to its real responses.
    const bucket = await bucketWith({ 'v/a.csv': 'a', 'v/b.csv': 'b', 'v/legacy.csv': 'c' });
    const versioned = s3Client();
    versioned.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const response = out.response as { headers?: Record<string, string> };
        const key = decodeURIComponent(String((args.request as { path?: string }).path ?? '').split('/').slice(2).join('/'));
        if (context.commandName === 'HeadObjectCommand' && response.headers) response.headers['x-amz-version-id'] = key.includes('legacy') ? 'null' : `ver-${key}`;
        return out;
      },
      { step: 'deserialize', priority: 'low', name: 'fakeVersioning' },
    );
    try {
      const prefix = await makeHandler({ s3: versioned })({ model: 'churn', dataUri: `s3://${bucket}/v/` });
      expect(prefix.dataInputs).toEqual([
        { uri: `s3://${bucket}/v/a.csv`, etag: md5('a'), versionId: 'ver-v/a.csv' },
        { uri: `s3://${bucket}/v/b.csv`, etag: md5('b'), versionId: 'ver-v/b.csv' },
        { uri: `s3://${bucket}/v/legacy.csv`, etag: md5('c') },
      ]);
      const single = await makeHandler({ s3: versioned })({ model: 'churn', dataUri: `s3://${bucket}/v/a.csv` });
      expect(single.dataInputs).toEqual([{ uri: `s3://${bucket}/v/a.csv`, etag: md5('a'), versionId: 'ver-v/a.csv' }]);
    } finally {
      versioned.destroy();
    }
  });

  it.each([
    ['a prefix with no objects', (bucket: string) => `s3://${bucket}/nothing/`],
    ['a key with no object and nothing under it', (bucket: string) => `s3://${bucket}/nothing.csv`],
    ['a bucket that does not exist', () => `s3://${uniqueName('missing')}/data/`],
  ])('throws DataNotFoundError naming the URI for %s', async (_, uriOf) => {
    const bucket = await bucketWith({ 'other/a.csv': 'x' });
    const dataUri = uriOf(bucket);
    const error = await makeHandler({ s3 })({ model: 'churn', dataUri }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: PIPELINE_ERRORS.dataNotFound, message: expect.stringContaining(dataUri) });
  });

  it.each([
    ['only folder markers and zero-byte objects', { 'data/': '', 'data/empty.csv': '', 'data/sub/': '' }, 'data/', 3],
    ['a zero-byte object of the exact key', { 'data.csv': '' }, 'data.csv', 1],
  ])('throws EmptyDataError naming the URI for %s', async (_, objects, key, count) => {
    const bucket = await bucketWith(objects);
    const dataUri = `s3://${bucket}/${key}`;
    const error = await makeHandler({ s3 })({ model: 'churn', dataUri }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: PIPELINE_ERRORS.dataEmpty, message: `training data at ${dataUri} is empty: its ${count} object(s) are all zero-byte objects or folder markers` });
  });

  it.each([
    [{ model: 'churn', dataUri: 'https://example.com/data.csv' }, /^invalid event: dataUri: must be an s3:\/\/bucket\/key or s3:\/\/bucket\/prefix\/ URI$/],
    [{ model: 'churn', dataUri: '/local/data.csv' }, /dataUri: must be an s3:\/\//],
    [{ model: 'churn' }, /dataUri: expected string \(missing\)/],
    [{ model: 'Churn!', dataUri: 's3://bucket-a/x' }, /model: must be a kebab-case model name/],
    [{ model: 'churn', dataUri: 's3://bucket-a/x', extra: 1 }, /unknown key\(s\) extra/],
    [null, /\(root\): expected object, got null/],
  ])('throws InvalidEventError naming the field for bad event %#', async (event, message) => {
    await expect(makeHandler({ s3 })(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
  });

  it('runs as deployed: the exported handler builds its own S3 client', async () => {
    const bucket = await bucketWith({ 'churn/a.csv': 'abc' });
    // The SDK's standard variable points the handler's own client at s3rver; with an IP
    // endpoint the SDK addresses buckets by path, which s3rver needs.
    process.env.AWS_ENDPOINT_URL_S3 = inject('s3Endpoint');
    try {
      await expect(handler({ model: 'churn', dataUri: `s3://${bucket}/churn/` })).resolves.toMatchObject({ objects: 1, bytes: 3 });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
    }
  });
});
