import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handler, makeHandler, type BaselineDeps } from '../../../lambdas/baseline/handler';
import type { Baseline, BaselineFeature } from '../../../lib/contract';
import { s3Client, uniqueName } from '../../support/engines';
import { tarGz } from '../../support/tar';

let s3: S3Client;
let bucket: string;
const NOW = new Date('2026-11-02T03:04:05.678Z');

async function put(key: string, body: string | Buffer): Promise<string> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return `s3://${bucket}/${key}`;
}

async function readBaseline(uri: string): Promise<Baseline> {
  const key = uri.slice(`s3://${bucket}/`.length);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as Baseline;
}

function run(event: Record<string, unknown>, deps: Partial<BaselineDeps> = {}): ReturnType<ReturnType<typeof makeHandler>> {
  return makeHandler({ s3, now: () => NOW, ...deps })(event);
}

/** 100 customers: tenure 1..100, spend missing on every 10th row, 2 tickets each, plans 50/30/20. */
function trainingCsv(): string {
  const rows = ['label,tenure_months,monthly_spend,support_tickets_30d,plan_tier'];
  for (let i = 1; i <= 100; i += 1) {
    const plan = i <= 50 ? 'basic' : i <= 80 ? 'pro' : '"enterprise, annual"';
    rows.push(`${i % 2},${i},${i % 10 === 0 ? '' : (i * 1.5).toFixed(1)},2,${plan}`);
  }
  return `${rows.join('\n')}\n`;
}

/** The job's output.tar.gz with 100 predictions 0.01..1.00 under a `prediction` header. */
function outputArchive(predictions = `prediction\n${Array.from({ length: 100 }, (_, i) => ((i + 1) / 100).toFixed(2)).join('\n')}\n`): Buffer {
  return tarGz([
    { name: './', type: 'directory' },
    { name: './evaluation.json', body: '{"metrics":{"auc":0.9}}' },
    { name: './predictions.csv', body: predictions },
  ]);
}

const deciles = (step: number): number[] => Array.from({ length: 9 }, (_, i) => Number(((i + 1) * step).toFixed(10)));
const tenths = Array<number>(10).fill(0.1);

beforeAll(async () => {
  s3 = s3Client();
  bucket = uniqueName('baseline');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(() => s3?.destroy());

describe('baseline handler', () => {
  it('streams a CSV and the job’s predictions into the baseline JSON, and writes it as application/json', async () => {
    const dataUri = await put('curated/churn/train.csv', trainingCsv());
    const outputUri = await put('artifacts/churn/job-1/output/output.tar.gz', outputArchive());
    const baselineUri = `s3://${bucket}/artifacts/baselines/churn/job-1.json`;

    const result = await run({ model: 'churn', dataUri, outputUri, baselineUri });
    expect(result).toEqual({ baselineUri, records: 100, features: 4 });

    const spendValues = Array.from({ length: 100 }, (_, i) => i + 1).filter((i) => i % 10 !== 0).map((i) => i * 1.5);
    const spendEdges = Array.from({ length: 9 }, (_, k) => spendValues[Math.ceil(((k + 1) * 90) / 10) - 1]!);
    const expected: Baseline = {
      formatVersion: 1,
      model: 'churn',
      createdAt: '2026-11-02T03:04:05.678Z',
      records: 100,
      features: [
        { name: 'tenure_months', kind: 'numeric', count: 100, missing: 0, binEdges: deciles(10), proportions: tenths },
        { name: 'monthly_spend', kind: 'numeric', count: 90, missing: 10, binEdges: spendEdges, proportions: tenths },
        { name: 'support_tickets_30d', kind: 'numeric', count: 100, missing: 0, binEdges: Array(9).fill(2), proportions: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { name: 'plan_tier', kind: 'categorical', count: 100, missing: 0, categories: { basic: 0.5, pro: 0.3, 'enterprise, annual': 0.2 }, other: 0 },
      ],
      prediction: { name: 'prediction', kind: 'numeric', count: 100, missing: 0, binEdges: deciles(0.1), proportions: tenths },
    };
    const written = await readBaseline(baselineUri);
    expect(written).toEqual(expected);
    for (const feature of written.features) if (feature.kind === 'numeric') expect(feature.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'artifacts/baselines/churn/job-1.json' }));
    expect(head.ContentType).toBe('application/json');
  });

  it('follows the event’s features for order and kinds, and leaves the prediction block out without an outputUri', async () => {
    const dataUri = await put('curated/churn-kinds/train.csv', trainingCsv());
    const baselineUri = `s3://${bucket}/artifacts/baselines/churn-kinds.json`;
    const features = [
      { name: 'plan_tier', kind: 'categorical' },
      { name: 'support_tickets_30d', kind: 'categorical' },
      { name: 'tenure_months', kind: 'numeric' },
    ];
    expect(await run({ model: 'churn', dataUri, baselineUri, features })).toEqual({ baselineUri, records: 100, features: 3 });
    const written = await readBaseline(baselineUri);
    expect(written.features.map((f) => [f.name, f.kind])).toEqual(features.map((f) => [f.name, f.kind]));
    expect(written.features[1]).toEqual({ name: 'support_tickets_30d', kind: 'categorical', count: 100, missing: 0, categories: { '2': 1 }, other: 0 });
    expect(written).not.toHaveProperty('prediction');
  });

  it('reads every CSV, gzipped CSV and JSON Lines object under a prefix, whatever their column order, skipping markers and malformed lines', async () => {
    await put('curated/multi/part-1.csv', 'label,x,plan\n1,1,a\n0,2,b\nbroken line with, too, many, fields\n');
    await put('curated/multi/part-2.csv.gz', gzipSync('plan,label,x\na,1,3\nb,0,4\n'));
    await put('curated/multi/part-3.jsonl', '{"label":1,"x":5,"plan":"a"}\nnot json\n{"label":0,"x":6,"plan":"c"}\n');
    await put('curated/multi/_SUCCESS', '');
    const baselineUri = `s3://${bucket}/artifacts/baselines/multi.json`;
    expect(await run({ model: 'multi', dataUri: `s3://${bucket}/curated/multi/`, baselineUri })).toEqual({ baselineUri, records: 6, features: 2 });
    const written = await readBaseline(baselineUri);
    expect(written.features.map((f) => f.name)).toEqual(['x', 'plan']);
    expect(written.features[1]).toMatchObject({ categories: { a: 0.5, b: 1 / 3, c: 1 / 6 }, other: 0 });
  });

  it('honours a custom label column', async () => {
    const dataUri = await put('curated/custom-label/train.csv', 'churned,x\n1,1\n0,2\n');
    const baselineUri = `s3://${bucket}/artifacts/baselines/custom-label.json`;
    expect(await run({ model: 'churn', dataUri, baselineUri, labelColumn: 'churned' })).toEqual({ baselineUri, records: 2, features: 1 });
    expect((await readBaseline(baselineUri)).features.map((f) => f.name)).toEqual(['x']);
  });

  it('accepts predictions without a header', async () => {
    const dataUri = await put('curated/no-header/train.csv', trainingCsv());
    const outputUri = await put('artifacts/no-header/output.tar.gz', outputArchive('0.2\n0.8\n'));
    const baselineUri = `s3://${bucket}/artifacts/baselines/no-header.json`;
    await run({ model: 'churn', dataUri, outputUri, baselineUri });
    expect((await readBaseline(baselineUri)).prediction).toMatchObject({ kind: 'numeric', count: 2, binEdges: [0.2, 0.2, 0.2, 0.2, 0.2, 0.8, 0.8, 0.8, 0.8] });
  });

  it('approximates deciles of a larger dataset from a small reservoir, counting every row exactly', async () => {
    const rows = 20_000;
    // A scrambled order, so the sample is not just the first rows.
    const values = Array.from({ length: rows }, (_, i) => ((i * 7919) % rows) + 1);
    const dataUri = await put('curated/large/train.csv', `label,v\n${values.map((v) => `0,${v}`).join('\n')}\n`);
    const baselineUri = `s3://${bucket}/artifacts/baselines/large.json`;
    expect(await run({ model: 'large', dataUri, baselineUri }, { statistics: { reservoirSize: 1000 } })).toEqual({ baselineUri, records: rows, features: 1 });
    const [feature] = (await readBaseline(baselineUri)).features as [BaselineFeature];
    if (feature.kind !== 'numeric') throw new Error('expected numeric');
    feature.binEdges.forEach((edge, k) => expect(Math.abs(edge - (k + 1) * 2000)).toBeLessThan(600));
    expect(feature.count).toBe(rows);
    for (const proportion of feature.proportions) expect(Math.abs(proportion - 0.1)).toBeLessThan(0.03);
  });

  it('runs as deployed: the exported handler builds its own client', async () => {
    const dataUri = await put('curated/env/train.csv', 'label,x\n1,1\n');
    const baselineUri = `s3://${bucket}/artifacts/baselines/env.json`;
    process.env.AWS_ENDPOINT_URL_S3 = inject('s3Endpoint');
    try {
      expect(await handler({ model: 'churn', dataUri, baselineUri })).toEqual({ baselineUri, records: 1, features: 1 });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
    }
  });

  describe('failures', () => {
    const baselineUri = () => `s3://${bucket}/artifacts/baselines/${uniqueName('failed')}.json`;

    async function expectNothingWritten(uri: string): Promise<void> {
      await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: uri.slice(`s3://${bucket}/`.length) }))).rejects.toMatchObject({ name: 'NotFound' });
    }

    it('throws EmptyDataError for data with a header but no rows', async () => {
      const dataUri = await put('curated/empty/train.csv', 'label,x\n\n');
      const target = baselineUri();
      await expect(run({ model: 'churn', dataUri, baselineUri: target })).rejects.toMatchObject({
        name: 'EmptyDataError',
        message: `${dataUri} holds no records (1 object(s), 2 line(s), 0 malformed)`,
      });
      await expectNothingWritten(target);
    });

    it('throws DataNotFoundError when nothing is at the data URI', async () => {
      await expect(run({ model: 'churn', dataUri: `s3://${bucket}/curated/nothing/`, baselineUri: baselineUri() })).rejects.toMatchObject({ name: 'DataNotFoundError' });
    });

    it('throws FeatureNotInDataError naming the missing feature', async () => {
      const dataUri = await put('curated/missing-feature/train.csv', trainingCsv());
      const features = [{ name: 'tenure_months', kind: 'numeric' }, { name: 'logins_30d', kind: 'numeric' }];
      const target = baselineUri();
      await expect(run({ model: 'churn', dataUri, baselineUri: target, features })).rejects.toMatchObject({
        name: 'FeatureNotInDataError',
        features: ['logins_30d'],
        message: expect.stringContaining('feature(s) "logins_30d" not in the data; its columns are "label", "tenure_months"'),
      });
      await expectNothingWritten(target);
    });

    it('throws NoFeaturesError when the data holds only the label', async () => {
      const dataUri = await put('curated/only-label/train.csv', 'label\n1\n0\n');
      await expect(run({ model: 'churn', dataUri, baselineUri: baselineUri() })).rejects.toMatchObject({ name: 'NoFeaturesError' });
    });

    it('throws ArchiveMemberNotFoundError when the job wrote no predictions.csv', async () => {
      const dataUri = await put('curated/no-predictions/train.csv', trainingCsv());
      const outputUri = await put('artifacts/no-predictions/output.tar.gz', tarGz([{ name: 'evaluation.json', body: '{}' }]));
      await expect(run({ model: 'churn', dataUri, outputUri, baselineUri: baselineUri() })).rejects.toMatchObject({ name: 'ArchiveMemberNotFoundError', members: ['evaluation.json'] });
    });

    it('throws InvalidPredictionsError for a predictions.csv with only its header', async () => {
      const dataUri = await put('curated/empty-predictions/train.csv', trainingCsv());
      const outputUri = await put('artifacts/empty-predictions/output.tar.gz', outputArchive('prediction\n'));
      await expect(run({ model: 'churn', dataUri, outputUri, baselineUri: baselineUri() })).rejects.toMatchObject({ name: 'InvalidPredictionsError', message: `${outputUri} predictions.csv: holds no prediction` });
    });

    it('throws DataChangedError when an object is replaced between the two passes', async () => {
      const key = 'curated/moving/train.csv';
      const dataUri = await put(key, trainingCsv());
      const client = s3Client();
      let gets = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'GetObjectCommand' && ++gets === 2) await put(key, `${trainingCsv()}1,1,1,1,basic\n`);
          return next(args);
        },
        { step: 'initialize' },
      );
      try {
        await expect(run({ model: 'churn', dataUri, baselineUri: baselineUri() }, { s3: client })).rejects.toMatchObject({ name: 'DataChangedError', uri: dataUri });
      } finally {
        client.destroy();
      }
    });

    it.each([
      [{ dataUri: 'curated/train.csv' }, /dataUri: must be an s3:\/\/bucket\/key or s3:\/\/bucket\/prefix\/ URI/],
      [{ baselineUri: undefined }, /baselineUri: expected string \(missing\)/],
      [{ features: [] }, /features: must list at least one feature/],
      [{ features: [{ name: 'x', kind: 'ordinal' }] }, /features\.0\.kind: must be one of "numeric", "categorical"/],
      [{ features: [{ name: 'x', kind: 'numeric' }, { name: 'x', kind: 'categorical' }] }, /features\.1\.name: "x" is listed twice/],
      [{ features: [{ name: 'label', kind: 'numeric' }] }, /features\.0\.name: "label" is the label column/],
      [{ labelColumn: '' }, /labelColumn: must not be empty/],
      [{ unexpected: true }, /unknown key\(s\) unexpected/],
    ])('throws InvalidEventError naming the field for bad event %#', async (patch, message) => {
      const event = { model: 'churn', dataUri: `s3://${bucket}/curated/churn/train.csv`, baselineUri: baselineUri(), ...patch };
      await expect(run(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
    });
  });
});
