import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../lambdas/core/drift';
import type { CliClients } from '../../cli/context';
import { run } from '../../cli/main';
import type { Baseline } from '../../lib/contract';
import { s3Client, uniqueName } from '../support/engines';
import { ALL_BASIC_PSI, base64Csv, BASELINE, captureKey, captureLine, drifted, json, MALFORMED_LINES, psiOf, steady, TOP_BIN_PSI } from '../lambdas/drift/fixtures';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const tenths = Array<number>(10).fill(0.1);

describe('gantry drift', () => {
  let s3: S3Client;
  let bucket: string;
  let clients: CliClients;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-drift-'));
  const path = (...parts: string[]) => join(dir, ...parts);

  async function gantry(...argv: string[]): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} }, clients);
    return { code, stdout, stderr };
  }

  function write(file: string, text: string | Buffer): string {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  /** A capture file under `root`, laid out as SageMaker writes to S3. */
  function capture(root: string, writtenAt: string, lines: readonly string[]): string {
    return write(join(root, captureKey('gantry-dev-churn', writtenAt)), `${lines.join('\n')}\n`);
  }

  /** 100 customers: tenure 1..100, plan basic for the first half, pro for the rest. */
  const trainingRows = Array.from({ length: 100 }, (_, i) => ({ label: i % 2, tenure: i + 1, plan: i < 50 ? 'basic' : 'pro' }));
  const expectedFeatures: Baseline['features'] = [
    { name: 'tenure', kind: 'numeric', count: 100, missing: 0, binEdges: [10, 20, 30, 40, 50, 60, 70, 80, 90], proportions: tenths },
    { name: 'plan', kind: 'categorical', count: 100, missing: 0, categories: { basic: 0.5, pro: 0.5 }, other: 0 },
  ];

  beforeAll(async () => {
    s3 = s3Client();
    bucket = uniqueName('drift-cli');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    clients = { s3: () => s3 } as unknown as CliClients;
    write(path('baseline.json'), JSON.stringify(BASELINE));
    // One hour of steady traffic, then one that drifted; lines outside both, and malformed ones.
    capture(path('capture'), '2026-11-22T10:20:00.500Z', [
      captureLine('2026-11-22T10:05:00Z', json(steady(10))),
      MALFORMED_LINES['not-json'],
      captureLine('2026-11-22T10:10:00Z', base64Csv(steady(10), ['1,basic,extra'])),
      MALFORMED_LINES['bad-base64']('2026-11-22T10:11:00Z'),
    ]);
    capture(path('capture'), '2026-11-22T11:20:00.500Z', [captureLine('2026-11-22T11:05:00Z', base64Csv(drifted(20)))]);
    write(path('capture', 'README.txt'), 'not a capture file');
  });

  afterAll(() => s3?.destroy());

  describe('baseline', () => {
    it('builds the baseline of a CSV file as the pipeline does, every column but the label a feature', async () => {
      const data = write(path('train.csv'), `label,tenure,plan\n${trainingRows.map((r) => `${r.label},${r.tenure},${r.plan}`).join('\n')}\n`);
      const out = await gantry('drift', 'baseline', '--data', data, '--out', path('out', 'csv.json'), '--model', 'churn');
      expect(out).toEqual({ code: 0, stdout: `wrote ${path('out', 'csv.json')}: churn, 100 records, 2 features: tenure (numeric), plan (categorical)\n`, stderr: '' });
      const written = JSON.parse(readFileSync(path('out', 'csv.json'), 'utf8')) as Baseline;
      expect(written).toEqual({ formatVersion: 1, model: 'churn', createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), records: 100, features: expectedFeatures });
    });

    it('builds the baseline of a gzipped JSON Lines file with a schema: its order, kinds, label column and model', async () => {
      const rows = trainingRows.map(({ label, tenure, plan }) => JSON.stringify({ churned: label, plan, tenure, label: 'ignored' }));
      const data = write(path('train.jsonl.gz'), gzipSync(`${rows.join('\n')}\nnot json\n`));
      const schema = write(path('schema.json'), JSON.stringify({ features: [{ name: 'tenure', kind: 'numeric' }, { name: 'plan', kind: 'categorical' }, { name: 'label', kind: 'categorical' }], labelColumn: 'churned', model: 'churn' }));
      const out = await gantry('drift', 'baseline', '--data', data, '--out', path('out', 'jsonl.json'), '--schema', schema, '--json');
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual({
        out: path('out', 'jsonl.json'),
        model: 'churn',
        records: 100,
        features: [
          { name: 'tenure', kind: 'numeric' },
          { name: 'plan', kind: 'categorical' },
          { name: 'label', kind: 'categorical' },
        ],
        malformed: 1,
      });
      const written = JSON.parse(readFileSync(path('out', 'jsonl.json'), 'utf8')) as Baseline;
      expect(written.features).toEqual([...expectedFeatures, { name: 'label', kind: 'categorical', count: 100, missing: 0, categories: { ignored: 1 }, other: 0 }]);
    });

    it('builds the baseline of the objects under an S3 prefix', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'curated/churn/part-1.csv', Body: `label,tenure,plan\n${trainingRows.slice(0, 50).map((r) => `${r.label},${r.tenure},${r.plan}`).join('\n')}\n` }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'curated/churn/part-2.csv', Body: `plan,tenure,label\n${trainingRows.slice(50).map((r) => `${r.plan},${r.tenure},${r.label}`).join('\n')}\n` }));
      const out = await gantry('drift', 'baseline', '--data', `s3://${bucket}/curated/churn/`, '--out', path('out', 's3.json'));
      expect(out.code).toBe(0);
      expect(JSON.parse(readFileSync(path('out', 's3.json'), 'utf8'))).toMatchObject({ model: 'unnamed', records: 100, features: expectedFeatures });
    });
  });

  describe('check', () => {
    it('compares every capture file under a directory with the baseline, and prints the report as JSON', async () => {
      const out = await gantry('drift', 'check', '--baseline', path('baseline.json'), '--capture', path('capture'), '--json');
      expect(out.code).toBe(0);
      const report = JSON.parse(out.stdout) as DriftReport;
      // 20 steady records and 20 drifted: half of each feature's values in the top bin.
      const halfTop = [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.55];
      const numeric = (name: string) => ({ name, kind: 'numeric', count: 40, missing: 0, psi: expect.closeTo(psiOf(tenths, halfTop), 9), ks: expect.closeTo(0.45, 9), drifted: true });
      expect(report).toEqual({
        model: 'churn',
        records: 40,
        malformed: { 'not-json': 1, 'bad-base64': 1, 'wrong-column-count': 1 },
        features: [numeric('tenure'), { name: 'plan', kind: 'categorical', count: 40, missing: 0, psi: expect.closeTo(psiOf([0.5, 0.5, 0], [0.75, 0.25, 0]), 9), ks: 0, pValue: expect.any(Number), drifted: true }],
        prediction: numeric('prediction'),
        maxPsi: expect.closeTo(psiOf(tenths, halfTop), 9),
        maxKs: expect.closeTo(0.45, 9),
        noData: false,
        drifted: true,
        thresholds: { psi: 0.2, ks: 0.1 },
      });
    });

    it('keeps the records of the --from/--to window and prints a table', async () => {
      const out = await gantry('drift', 'check', '--baseline', path('baseline.json'), '--capture', path('capture'), '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T11:00:00+00:00', '--model', 'churn-v2');
      expect(out).toEqual({
        code: 0,
        stderr: '',
        stdout: `churn-v2: no drift  (2026-11-22T10:00:00.000Z to 2026-11-22T11:00:00.000Z)
records    20
malformed  3  (not-json 1, bad-base64 1, wrong-column-count 1)
max PSI    0.0000  (drifts above 0.2)
max KS     0.0000  (drifts above 0.1)

feature              kind         count  missing     PSI      KS  p-value
tenure               numeric         20        0  0.0000  0.0000        -
plan                 categorical     20        0  0.0000       -   0.9990
prediction (output)  numeric         20        0  0.0000  0.0000        -
`,
      });
    });

    it('exits 0 when the traffic drifted, and says so', async () => {
      const out = await gantry('drift', 'check', '--baseline', path('baseline.json'), '--capture', path('capture'), '--from', '2026-11-22T11:00:00Z', '--to', '2026-11-22T12:00:00Z');
      const [top, basic] = [TOP_BIN_PSI.toFixed(4), ALL_BASIC_PSI.toFixed(4)];
      // A line that is not JSON has no time, so it counts in every window.
      expect(out).toEqual({
        code: 0,
        stderr: '',
        stdout: `churn: DRIFTED  (2026-11-22T11:00:00.000Z to 2026-11-22T12:00:00.000Z)
records    20
malformed  1  (not-json 1)
max PSI    ${top}  (drifts above 0.2)
max KS     0.9000  (drifts above 0.1)

feature              kind         count  missing     PSI      KS  p-value
tenure               numeric         20        0  ${top}  0.9000        -  drifted
plan                 categorical     20        0  ${basic}       -   0.0000  drifted
prediction (output)  numeric         20        0  ${top}  0.9000        -  drifted
`,
      });
    });

    it('reports an empty window as no data', async () => {
      const out = await gantry('drift', 'check', '--baseline', path('baseline.json'), '--capture', path('capture'), '--from', '2026-11-23T00:00:00Z', '--to', '2026-11-23T01:00:00Z', '--json');
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ window: { from: '2026-11-23T00:00:00.000Z', to: '2026-11-23T01:00:00.000Z' }, records: 0, malformed: {}, noData: true, drifted: false, maxPsi: 0 });
    });

    it('streams the capture files under an S3 prefix, with a baseline from S3', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'baselines/churn.json', Body: JSON.stringify(BASELINE) }));
      for (const [writtenAt, lines] of [
        ['2026-11-22T10:20:00.500Z', [captureLine('2026-11-22T10:05:00Z', json(steady(10)))]],
        ['2026-11-22T11:20:00.500Z', [captureLine('2026-11-22T11:05:00Z', base64Csv(drifted(5))), MALFORMED_LINES['not-json']]],
      ] as const) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `capture/${captureKey('gantry-dev-churn', writtenAt)}`, Body: `${lines.join('\n')}\n` }));
      }
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'capture/gantry-dev-churn/primary/_SUCCESS', Body: '' }));
      const out = await gantry('drift', 'check', '--baseline', `s3://${bucket}/baselines/churn.json`, '--capture', `s3://${bucket}/capture/gantry-dev-churn/primary`, '--json');
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ model: 'churn', records: 15, malformed: { 'not-json': 1 }, drifted: true });
      const window = await gantry('drift', 'check', '--baseline', `s3://${bucket}/baselines/churn.json`, '--capture', `s3://${bucket}/capture/`, '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T11:00:00Z', '--json');
      expect(JSON.parse(window.stdout)).toMatchObject({ records: 10, malformed: {}, drifted: false });
    });
  });

  it.each([
    [['drift'], /missing drift command/],
    [['drift', 'compare'], /unknown drift command "compare"/],
    [['drift', 'check', '--capture', 'x'], /--baseline is required/],
    [['drift', 'check', '--baseline', 'b.json'], /--capture is required/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', '2026-11-22T10:00:00Z'], /--from and --to go together/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--to', '2026-11-22T10:00:00Z'], /--from and --to go together/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', 'yesterday', '--to', '2026-11-22T10:00:00Z'], /--from must be an ISO-8601 time with a zone, such as 2026-11-22T10:00:00Z \(got "yesterday"\)/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T11:00:00'], /--to must be an ISO-8601 time with a zone/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', '2026-11-22T10:00:00Z', '--to', '2026-02-30T11:00:00Z'], /--to must be an ISO-8601 time/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', '2026-11-22T10:00:00Z', '--to', '2026-11-22T10:00:00Z'], /--from must be before --to/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--from', '2026-11-22T11:00:00Z', '--to', '2026-11-22T10:00:00Z'], /--from must be before --to/],
    [['drift', 'check', '--baseline', 's3://B/x.json', '--capture', 'c'], /--baseline must be a path or an s3:\/\/bucket\/prefix URI \(got "s3:\/\/B\/x.json"\)/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 's3://a'], /--capture must be a path or an s3:\/\/bucket\/prefix URI/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--model', 'Churn Model'], /--model must be a kebab-case model name/],
    [['drift', 'check', '--baseline', 'b.json', '--capture', 'c', '--window', '15'], /unknown option '--window'/],
    [['drift', 'baseline', '--out', 'x.json'], /--data is required/],
    [['drift', 'baseline', '--data', 'train.csv'], /--out is required/],
    [['drift', 'baseline', '--data', 'train.csv', '--out', 's3://bucket/baseline.json'], /--out must be a local file \(got "s3:\/\/bucket\/baseline.json"\)/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const out = await gantry(...argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
  });

  it.each([
    ['not JSON', '{"features": [', /--schema .*schema-\d\.json is not valid JSON/],
    ['a bad kind', JSON.stringify({ features: [{ name: 'tenure', kind: 'ordinal' }] }), /features\.0\.kind: must be one of "numeric", "categorical"/],
    ['no features', JSON.stringify({ features: [] }), /features: must list at least one feature/],
    ['the label as a feature', JSON.stringify({ features: [{ name: 'label', kind: 'numeric' }] }), /features\.0\.name: "label" is the label column/],
    ['a feature twice', JSON.stringify({ features: [{ name: 'plan', kind: 'categorical' }, { name: 'plan', kind: 'numeric' }] }), /features\.1\.name: "plan" is listed twice/],
    ['an unknown key', JSON.stringify({ label: 'churned' }), /unknown key\(s\) label/],
  ])('a schema file with %s is a usage error (exit 2)', async (_, text, message) => {
    const schema = write(path(`schema-${text.length % 10}.json`), text);
    const out = await gantry('drift', 'baseline', '--data', path('train.csv'), '--out', path('out', 'never.json'), '--schema', schema);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it.each([
    ['a missing baseline file', () => ['drift', 'check', '--baseline', path('nope.json'), '--capture', path('capture')], /UnreadableInputError: --baseline .*nope\.json: no such file/],
    ['a missing capture directory', () => ['drift', 'check', '--baseline', path('baseline.json'), '--capture', path('nope')], /UnreadableInputError: --capture .*nope: no such file or directory/],
    ['a baseline of another format', () => ['drift', 'check', '--baseline', write(path('v2.json'), JSON.stringify({ ...BASELINE, formatVersion: 2 })), '--capture', path('capture')], /InvalidBaselineError: baseline .*v2\.json: formatVersion is 2, this monitor reads 1/],
    ['a baseline missing from S3', () => ['drift', 'check', '--baseline', `s3://${bucket}/baselines/none.json`, '--capture', path('capture')], /InvalidBaselineError: baseline s3:\/\/.*\/baselines\/none\.json: no such object/],
    ['a capture bucket that does not exist', () => ['drift', 'check', '--baseline', path('baseline.json'), '--capture', 's3://no-such-bucket-here/capture/'], /DataNotFoundError: no data at s3:\/\/no-such-bucket-here\/capture\//],
    ['a missing data file', () => ['drift', 'baseline', '--data', path('nope.csv'), '--out', path('out', 'never.json')], /UnreadableInputError: --data .*nope\.csv: no such file or directory/],
    ['a data directory', () => ['drift', 'baseline', '--data', path('capture'), '--out', path('out', 'never.json')], /UnreadableInputError: --data .*capture: is not a file/],
    ['a missing schema file', () => ['drift', 'baseline', '--data', path('train.csv'), '--out', path('out', 'never.json'), '--schema', path('nope-schema.json')], /UnreadableInputError: --schema .*nope-schema\.json: no such file/],
    ['no data under an S3 prefix', () => ['drift', 'baseline', '--data', `s3://${bucket}/curated/none/`, '--out', path('out', 'never.json')], /DataNotFoundError: no data at s3:\/\//],
    ['data with only a header', () => ['drift', 'baseline', '--data', write(path('empty.csv'), 'label,x\n'), '--out', path('out', 'never.json')], /EmptyDataError: .*empty\.csv holds no records/],
  ])('%s exits 1 and names it', async (_, argv, message) => {
    const out = await gantry(...argv());
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(message);
    expect(out.stdout).toBe('');
  });

  it('prints its help, which says a drift does not fail the command', async () => {
    const out = await gantry('drift', '--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^gantry drift <command> \[flags\]\n/);
    expect(out.stdout).toContain('Exits 0 whether or not the traffic drifted');
  });
});

