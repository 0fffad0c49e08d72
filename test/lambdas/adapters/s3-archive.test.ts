import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveMemberNotFoundError, ArchiveMemberTooLargeError, ArchiveNotFoundError, InvalidArchiveError, readTarGzMember } from '../../../lambdas/adapters/s3-archive';
import { s3Client, uniqueName } from '../../support/engines';
import { tarGz } from '../../support/tar';

let s3: S3Client;
let bucket: string;

async function put(key: string, body: Buffer | string): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return `s3://${bucket}/${key}`;
}

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('archives');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(() => s3?.destroy());

describe('readTarGzMember', () => {
  it('reads a member of an output.tar.gz as SageMaker packs it (./ prefixes, folders)', async () => {
    const uri = await put(
      'churn/job-1/output/output.tar.gz',
      tarGz([
        { name: './', type: 'directory' },
        { name: './evaluation.json', body: '{"metrics":{"auc":0.91}}' },
        { name: './predictions.csv', body: 'prediction\n0.2\n0.8\n' },
      ]),
    );
    expect((await readTarGzMember(s3, uri, 'evaluation.json')).toString()).toBe('{"metrics":{"auc":0.91}}');
    expect((await readTarGzMember(s3, uri, 'predictions.csv')).toString()).toBe('prediction\n0.2\n0.8\n');
  });

  it('streams past a large member that precedes the one it reads', async () => {
    const noise = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const uri = await put('churn/job-2/output/output.tar.gz', tarGz([{ name: 'checkpoint.bin', body: noise }, { name: 'evaluation.json', body: '{"auc":0.5}' }]));
    expect((await readTarGzMember(s3, uri, 'evaluation.json')).toString()).toBe('{"auc":0.5}');
  });

  it('throws ArchiveNotFoundError naming the URI for a missing key', async () => {
    const uri = `s3://${bucket}/churn/missing/output/output.tar.gz`;
    const error = await readTarGzMember(s3, uri, 'evaluation.json').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ArchiveNotFoundError);
    expect(error).toMatchObject({ name: 'ArchiveNotFoundError', uri, message: `no archive at ${uri}` });
  });

  it('throws ArchiveNotFoundError for a missing bucket', async () => {
    const uri = `s3://${uniqueName('no-such-bucket')}/output.tar.gz`;
    await expect(readTarGzMember(s3, uri, 'evaluation.json')).rejects.toMatchObject({ name: 'ArchiveNotFoundError', uri });
  });

  it('throws ArchiveMemberNotFoundError naming the member and listing what the archive holds', async () => {
    const uri = await put('churn/job-3/output/output.tar.gz', tarGz([{ name: './', type: 'directory' }, { name: './metrics.json', body: '{}' }, { name: './model/weights.pt', body: 'w' }]));
    const error = await readTarGzMember(s3, uri, 'evaluation.json').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ArchiveMemberNotFoundError);
    expect(error).toMatchObject({ name: 'ArchiveMemberNotFoundError', uri, member: 'evaluation.json', members: ['metrics.json', 'model/weights.pt'] });
    expect((error as Error).message).toBe(`${uri}: no member "evaluation.json" in the archive; it holds metrics.json, model/weights.pt`);
  });

  it('throws ArchiveMemberTooLargeError above the size limit', async () => {
    const uri = await put('churn/job-4/output/output.tar.gz', tarGz([{ name: 'predictions.csv', body: 'x'.repeat(2000) }]));
    await expect(readTarGzMember(s3, uri, 'predictions.csv', { maxBytes: 1000 })).rejects.toMatchObject({
      name: 'ArchiveMemberTooLargeError',
      message: `${uri}: member "predictions.csv" is 2000 bytes, above the limit of 1000`,
    });
    await expect(readTarGzMember(s3, uri, 'predictions.csv', { maxBytes: 1000 })).rejects.toBeInstanceOf(ArchiveMemberTooLargeError);
  });

  it.each([
    ['plain text (not gzip)', Buffer.from('{"metrics":{"auc":0.91}}'), /is not a valid \.tar\.gz: not gzip data/],
    ['gzip of something that is not tar', gzipSync('label,tenure\n'.repeat(200)), /is not a valid \.tar\.gz: not a tar archive: bad header checksum at offset 0/],
    ['a truncated gzip', tarGz([{ name: 'evaluation.json', body: 'x'.repeat(50_000) }]).subarray(0, 40), /is not a valid \.tar\.gz/],
  ])('throws InvalidArchiveError for %s', async (_, body, message) => {
    const uri = await put(`bad/${uniqueName('x')}.tar.gz`, body);
    const error = await readTarGzMember(s3, uri, 'evaluation.json').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidArchiveError);
    expect(error).toMatchObject({ name: 'InvalidArchiveError', uri, message: expect.stringMatching(message) });
  });
});
