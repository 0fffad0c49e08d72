import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler, InvalidEvaluationReportError, makeHandler } from '../../../lambdas/evaluate/handler';
import { s3Client, uniqueName } from '../../support/engines';
import { tarGz } from '../../support/tar';

let s3: S3Client;
let bucket: string;

/** Uploads an output.tar.gz as SageMaker does, holding an evaluation.json with this text. */
async function outputWith(report: string | undefined, job = uniqueName('job')): Promise<string> {
  const key = `churn/${job}/output/output.tar.gz`;
  const members = [{ name: './', type: 'directory' as const }, { name: './predictions.csv', body: 'prediction\n0.5\n' }];
  if (report !== undefined) members.push({ name: './evaluation.json', body: report });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: tarGz(members) }));
  return `s3://${bucket}/${key}`;
}

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('evaluate');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(() => s3?.destroy());

describe('evaluate handler', () => {
  it.each([
    ['our scripts’ shape', { metrics: { auc: 0.91, logloss: 0.31, accuracy: 0.88 } }],
    ['a flat object', { auc: 0.91, logloss: 0.31, accuracy: 0.88 }],
    [
      'SageMaker’s model-quality report',
      {
        version: 0.0,
        binary_classification_metrics: {
          confusion_matrix: { '0': { '0': 50, '1': 3 }, '1': { '0': 4, '1': 43 } },
          auc: { value: 0.91, standard_deviation: 0.01 },
          logloss: { value: 0.31, standard_deviation: 0.02 },
          accuracy: { value: 0.88, standard_deviation: 0.01 },
          receiver_operating_characteristic_curve: { false_positive_rates: [0, 1], true_positive_rates: [0, 1] },
        },
      },
    ],
  ])('reads the metrics from %s', async (_, report) => {
    const outputUri = await outputWith(JSON.stringify(report));
    expect(await makeHandler({ s3 })({ model: 'churn', outputUri })).toEqual({ metrics: { auc: 0.91, logloss: 0.31, accuracy: 0.88 } });
  });

  it('runs as deployed: the exported handler builds its own client', async () => {
    const outputUri = await outputWith('{"metrics":{"auc":0.7}}');
    process.env.AWS_ENDPOINT_URL_S3 = inject('s3Endpoint');
    try {
      expect(await handler({ model: 'churn', outputUri })).toEqual({ metrics: { auc: 0.7 } });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
    }
  });

  it.each([
    [{ model: 'churn' }, /outputUri: expected string \(missing\)/],
    [{ model: 'churn', outputUri: 'output.tar.gz' }, /outputUri: must be an s3:\/\/bucket\/key URI/],
    [{ model: 'Churn!', outputUri: 's3://bucket/x.tar.gz' }, /model: must be a kebab-case model name/],
    [{ model: 'churn', outputUri: 's3://bucket/x.tar.gz', extra: 1 }, /unknown key\(s\) extra/],
    [null, /\(root\): expected object, got null/],
  ])('throws InvalidEventError naming the field for bad event %#', async (event, message) => {
    await expect(makeHandler({ s3 })(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
  });

  it('throws ArchiveMemberNotFoundError when the job wrote no evaluation.json', async () => {
    const outputUri = await outputWith(undefined);
    await expect(makeHandler({ s3 })({ model: 'churn', outputUri })).rejects.toMatchObject({ name: 'ArchiveMemberNotFoundError', members: ['predictions.csv'] });
  });

  it('throws ArchiveNotFoundError when the job has no output', async () => {
    const outputUri = `s3://${bucket}/churn/never-ran/output/output.tar.gz`;
    await expect(makeHandler({ s3 })({ model: 'churn', outputUri })).rejects.toMatchObject({ name: 'ArchiveNotFoundError', uri: outputUri });
  });

  it('throws InvalidEvaluationReportError naming the bad field and the archive', async () => {
    const outputUri = await outputWith('{"metrics":{"auc":"high"}}');
    const error = await makeHandler({ s3 })({ model: 'churn', outputUri }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidEvaluationReportError);
    expect(error).toMatchObject({ field: 'metrics.auc', message: `${outputUri} evaluation.json: metrics.auc: must be a finite number, got "high"` });
  });
});
